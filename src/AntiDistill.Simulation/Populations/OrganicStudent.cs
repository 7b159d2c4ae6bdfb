namespace AntiDistill.Simulation;

/// <summary>
/// Students working through a problem set: grade-school and competition math items, one evening or two, each problem
/// a short conversation ("can you explain step 2?"), often asking for the steps. Dataset items and step-by-step
/// requests, like a sweep; but in conversations, in a few sessions, and then the semester moves on.
/// </summary>
public sealed class OrganicStudent : Population
{
    /// <inheritdoc />
    public override string Name => "organic_student";

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
            int evenings = 1 + rng.Next(3);
            for (int e = 0; e < evenings; e++)
            {
                var day = context.Start.Date.AddDays(rng.Next(Math.Max(1, (int)context.Duration.TotalDays)));
                var at = new DateTimeOffset(day, TimeSpan.Zero).AddHours(18 + (rng.NextDouble() * 4) - zone);
                int problems = 4 + rng.Next(10);
                for (int p = 0; p < problems; p++)
                {
                    var last = at;
                    foreach (var r in Conversation.Chat(this, account, at, context, Rhythm.Geometric(rng, 2), 0.15, 0.5, PromptKind.Math, client))
                    {
                        yield return r;
                        last = r.Timestamp;
                    }

                    at = last.AddSeconds(60 + Rhythm.ThinkSeconds(rng));
                }
            }
        }
    }
}
