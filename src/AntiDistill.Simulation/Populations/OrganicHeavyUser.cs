namespace AntiDistill.Simulation;

/// <summary>
/// A power user: dozens of conversations a day, much of it code and math, reasoning often on with big
/// budgets. Heavy is not harvesting: conversations, follow-ups, a person's day.
/// </summary>
public sealed class OrganicHeavyUser : Population
{
    private static readonly PromptKind[] Kinds = [PromptKind.Organic, PromptKind.Organic, PromptKind.Coding, PromptKind.Coding, PromptKind.Math, PromptKind.Reasoning, PromptKind.Issue];

    /// <inheritdoc />
    public override string Name => "organic_heavy";

    /// <inheritdoc />
    public override bool IsCampaign => false;

    /// <inheritdoc />
    public override IEnumerable<SimulatedRequest> Generate(PopulationContext context)
    {
        var rng = context.Rng;
        foreach (string account in context.Accounts)
        {
            int tz = Rhythm.TimeZone(rng);
            var client = Clients.Person(account, rng);
            for (var day = context.Start.Date; day < context.End; day = day.AddDays(1))
            {
                int sessions = 10 + rng.Next(25);
                for (int s = 0; s < sessions; s++)
                {
                    var at = new DateTimeOffset(day, TimeSpan.Zero).AddHours(8 + (rng.NextDouble() * 16) - tz);
                    var kind = Kinds[rng.Next(Kinds.Length)];
                    foreach (var r in Conversation.Chat(this, account, at, context, Rhythm.Geometric(rng, 4), reasoningShare: 0.4, cotShare: 0.06, kind, client))
                    {
                        yield return r;
                    }
                }
            }
        }
    }
}
