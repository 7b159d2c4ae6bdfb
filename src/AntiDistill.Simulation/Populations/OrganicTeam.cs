namespace AntiDistill.Simulation;

/// <summary>A team whose accounts share one company card, one org, the company's mail domain and office network.</summary>
public sealed class OrganicTeam : Population
{
    /// <inheritdoc />
    public override string Name => "organic_team";

    /// <inheritdoc />
    public override bool IsCampaign => false;

    /// <inheritdoc />
    public override IEnumerable<SimulatedRequest> Generate(PopulationContext context)
    {
        var rng = context.Rng;
        string team = "team" + rng.Next(100_000);
        foreach (string account in context.Accounts)
        {
            var client = Clients.Person(account, rng) with
            {
                Payment = "pm_" + team,
                Org = "org_" + team,
                EmailDomain = team + "-robotics.example",
                Ip = $"203.0.113.{rng.Next(2, 250)}",
                Asn = Networks.OfficeAsn,
            };
            int tz = 1;
            for (var day = context.Start.Date; day < context.End; day = day.AddDays(1))
            {
                if (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
                {
                    continue;
                }

                int sessions = 1 + rng.Next(5);
                for (int s = 0; s < sessions; s++)
                {
                    var at = new DateTimeOffset(day, TimeSpan.Zero).AddHours(8 + (rng.NextDouble() * 9) - tz);
                    var kind = rng.Next(3) == 0 ? PromptKind.Coding : PromptKind.Organic;
                    foreach (var r in Conversation.Chat(this, account, at, context, Rhythm.Geometric(rng, 3), reasoningShare: 0.2, cotShare: 0.04, kind, client))
                    {
                        yield return r;
                    }
                }
            }
        }
    }
}
