namespace AntiDistill.Simulation;

/// <summary>Ordinary chat users: a few conversations on some days, in their own time zone, mostly short budgets.</summary>
public class OrganicCasual : Population
{
    /// <inheritdoc />
    public override string Name => "organic_casual";

    /// <summary>The client an account uses; a person's own by default (NAT groups override it).</summary>
    protected virtual ClientProfile Client(string account, Random rng) => Clients.Person(account, rng);

    /// <inheritdoc />
    public override bool IsCampaign => false;

    /// <inheritdoc />
    public override IEnumerable<SimulatedRequest> Generate(PopulationContext context)
    {
        var rng = context.Rng;
        foreach (string account in context.Accounts)
        {
            int tz = Rhythm.TimeZone(rng);
            var client = Client(account, rng);
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
                    foreach (var r in Conversation.Chat(this, account, at, context, Rhythm.Geometric(rng, 2.5), reasoningShare: 0.1, cotShare: 0.03, client: client))
                    {
                        yield return r;
                    }
                }
            }
        }
    }
}
