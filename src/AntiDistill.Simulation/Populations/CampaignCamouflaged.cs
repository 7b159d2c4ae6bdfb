namespace AntiDistill.Simulation;

/// <summary>
/// A low-and-slow campaign built to pass as people: aged accounts (created months to years before), each with
/// its own card, mailbox, browser and residential address (a sticky proxy session that changes daily), active in
/// the operator's waking hours at a few requests an hour. Between real user prompts in short conversations the
/// accounts slip template sweeps over benchmark items (wrappers dressed as a student's question, reasoning often
/// on), so no account is mostly harvest and none is fast.
/// </summary>
public sealed class CampaignCamouflaged : Population
{
    private static readonly PromptKind[] Targets = [PromptKind.Math, PromptKind.Reasoning, PromptKind.Coding];
    private static readonly PromptKind[] Cover = [PromptKind.Organic, PromptKind.Organic, PromptKind.Organic, PromptKind.Roleplay];
    private static readonly int[] Budgets = [4096, 8192, 8192, 16000];

    /// <summary>Share of an account's requests that are template sweeps (the rest are cover conversations). Default 0.5.</summary>
    public double SweepShare { get; init; } = 0.5;

    /// <summary>Mean requests per account on an active day. Default 16.</summary>
    public double RequestsPerAccountPerDay { get; init; } = 16;

    /// <summary>Share of days an account is active. Default 0.8.</summary>
    public double ActiveDays { get; init; } = 0.8;

    /// <summary>The operator's UTC offset in hours; every account works the operator's day. Default 8.</summary>
    public int OperatorUtcOffset { get; init; } = 8;

    /// <inheritdoc />
    public override string Name => "campaign_camouflaged";

    /// <inheritdoc />
    public override bool IsCampaign => true;

    /// <inheritdoc />
    public override IEnumerable<SimulatedRequest> Generate(PopulationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var rng = context.Rng;
        foreach (string account in context.Accounts)
        {
            // Aged: bought or farmed long before the campaign, created one by one, never in a burst.
            var person = Clients.Person(account, rng) with
            {
                AccountCreated = context.Start.AddDays(-(120 + rng.Next(600))).AddMinutes(rng.Next(1440)),
            };
            var target = Targets[rng.Next(Targets.Length)];
            string template = HarvestTemplates.Camouflaged[rng.Next(HarvestTemplates.Camouflaged.Length)];
            int budget = Budgets[rng.Next(Budgets.Length)];
            double reasoningShare = 0.3 + (rng.NextDouble() * 0.5);
            for (var day = context.Start.Date; day < context.End; day = day.AddDays(1))
            {
                if (rng.NextDouble() > ActiveDays)
                {
                    continue;
                }

                var client = person with { Ip = Clients.ResidentialIp(rng), Asn = Clients.ResidentialAsn(rng) };
                int quota = Math.Max(1, (int)Math.Round(RequestsPerAccountPerDay * (0.5 + rng.NextDouble())));
                int sessions = 2 + rng.Next(3);
                for (int s = 0; s < sessions; s++)
                {
                    var at = new DateTimeOffset(day, TimeSpan.Zero).AddHours(9 + (rng.NextDouble() * 13) - OperatorUtcOffset);
                    for (int sent = 0; sent < quota / sessions;)
                    {
                        if (rng.NextDouble() < SweepShare)
                        {
                            var item = context.Prompts.Pick(rng.NextDouble() < 0.85 ? target : Targets[rng.Next(Targets.Length)], rng);
                            yield return Request(account, at, item with { Text = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, item.Text) }) with
                            {
                                MaxOutputTokens = budget,
                                Reasoning = rng.NextDouble() < reasoningShare,
                                Client = client,
                            };
                            sent++;
                            at = at.AddSeconds(Rhythm.ThinkSeconds(rng));
                            continue;
                        }

                        var last = at;
                        foreach (var r in Conversation.Chat(this, account, at, context, Rhythm.Geometric(rng, 2), reasoningShare: 0.1, cotShare: 0.05, Cover[rng.Next(Cover.Length)], client))
                        {
                            yield return r;
                            sent++;
                            last = r.Timestamp;
                        }

                        at = last.AddSeconds(Rhythm.ThinkSeconds(rng));
                    }
                }
            }
        }
    }
}
