namespace AntiDistill.Simulation;

/// <summary>
/// People who come with one hard question now and then and want a long, thorough answer: hard Arena-style prompts,
/// often with "explain in detail", single-turn or a short follow-up, a handful of requests over the week. They take
/// long answers away like a harvester, but few, at human hours, each from their own life.
/// </summary>
public sealed class OrganicLongAnswers : Population
{
    private static readonly string[] Asks = ["", "", " Please explain in detail.", " Give me a thorough answer with examples.", " Explain your reasoning."];

    /// <inheritdoc />
    public override string Name => "organic_long_answers";

    /// <inheritdoc />
    public override bool IsCampaign => false;

    /// <inheritdoc />
    public override IEnumerable<SimulatedRequest> Generate(PopulationContext context)
    {
        var rng = context.Rng;
        foreach (string account in context.Accounts)
        {
            var client = Clients.Person(account, rng);
            int zone = Rhythm.TimeZone(rng);
            int questions = 1 + rng.Next(6);
            for (int q = 0; q < questions; q++)
            {
                var day = context.Start.Date.AddDays(rng.Next(Math.Max(1, (int)context.Duration.TotalDays)));
                var at = Rhythm.SessionStart(new DateTimeOffset(day, TimeSpan.Zero), zone, rng);
                var first = context.Prompts.Pick(PromptKind.Organic, "arena_hard", rng);
                yield return Request(account, at, first with { Text = first.Text + Asks[rng.Next(Asks.Length)] }) with
                {
                    MaxOutputTokens = rng.Next(3) == 0 ? 8192 : 0,
                    Client = client,
                };
                if (rng.NextDouble() < 0.4)
                {
                    foreach (var follow in Conversation.Chat(this, account, at.AddMinutes(3 + rng.Next(20)), context, 1 + rng.Next(2), 0.1, 0.2, PromptKind.Organic, client))
                    {
                        yield return follow;
                    }
                }
            }
        }
    }
}
