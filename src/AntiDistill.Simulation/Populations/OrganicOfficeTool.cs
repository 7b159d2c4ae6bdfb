namespace AntiDistill.Simulation;

/// <summary>
/// People who call the model from a work tool (a spreadsheet add-in, an editor plugin, an internal script): single
/// requests (summarize this, rewrite that, explain this error) as the work brings them, a few to a dozen a day, spread
/// over office hours in their own time zone, on most weekdays. No sittings, no conversations, present day after day
/// through the working day: the shape a quiet operator's scheduler leaves (<c>scheduled_pacing</c>,
/// <c>around_the_clock</c>, <c>single_turn</c>), from ordinary people's prompts.
/// </summary>
public sealed class OrganicOfficeTool : Population
{
    /// <inheritdoc />
    public override string Name => "organic_office_tool";

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
            double perDay = 2 + (rng.NextDouble() * 8);
            int budget = rng.Next(3) == 0 ? 1024 : 0; // the tool's setting, the same on every request
            for (var day = context.Start.Date; day < context.End; day = day.AddDays(1))
            {
                bool weekend = day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
                if (rng.NextDouble() >= (weekend ? 0.1 : 0.9))
                {
                    continue;
                }

                int requests = Math.Max(1, Rhythm.Poisson(rng, perDay));
                var day0 = new DateTimeOffset(day, TimeSpan.Zero);
                for (int i = 0; i < requests; i++)
                {
                    // Anywhere in a 09:00-18:00 working day, as the work brings it.
                    var at = day0.AddHours(9 + (rng.NextDouble() * 9) - zone);
                    var prompt = context.Prompts.Pick(PromptKind.Organic, rng);
                    yield return Request(account, at, prompt) with { MaxOutputTokens = budget, Client = client };
                }
            }
        }
    }
}
