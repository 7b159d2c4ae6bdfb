namespace AntiDistill.Simulation;

/// <summary>Ordinary chat users: a few conversations on some days, in their own time zone, mostly short budgets.</summary>
public sealed class OrganicCasual : Population
{
    /// <inheritdoc />
    public override string Name => "organic_casual";

    /// <inheritdoc />
    public override bool IsCampaign => false;

    /// <inheritdoc />
    public override IEnumerable<SimulatedRequest> Generate(PopulationContext context)
    {
        var rng = context.Rng;
        foreach (string account in context.Accounts)
        {
            int tz = Rhythm.TimeZone(rng);
            double activeDays = 0.2 + (rng.NextDouble() * 0.7);
            for (var day = context.Start.Date; day < context.End; day = day.AddDays(1))
            {
                if (rng.NextDouble() > activeDays)
                {
                    continue;
                }

                int sessions = Rhythm.Geometric(rng, 1.6);
                for (int s = 0; s < sessions; s++)
                {
                    var at = Rhythm.SessionStart(new DateTimeOffset(day, TimeSpan.Zero), tz, rng);
                    foreach (var r in Conversation.Chat(this, account, at, context, Rhythm.Geometric(rng, 2.5), reasoningShare: 0.1, cotShare: 0.03))
                    {
                        yield return r;
                    }
                }
            }
        }
    }
}
