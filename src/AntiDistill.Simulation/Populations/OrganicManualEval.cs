namespace AntiDistill.Simulation;

/// <summary>
/// A researcher evaluating a model by hand: pastes a few dozen benchmark items (BIG-Bench Hard, HumanEval, GSM8K)
/// verbatim during a working day, single-turn, reading each answer before the next, sometimes asking for the answer
/// only. Dataset items at a steady pace, like a task sweep, but one person, one day, short answers asked for.
/// </summary>
public sealed class OrganicManualEval : Population
{
    private static readonly PromptKind[] Kinds = [PromptKind.Reasoning, PromptKind.Coding, PromptKind.Math];
    private static readonly string[] Suffixes = ["", "", "\nAnswer with the option letter only.", "\nGive only the final answer."];

    /// <inheritdoc />
    public override string Name => "organic_manual_eval";

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
            var kind = Kinds[rng.Next(Kinds.Length)];
            string suffix = Suffixes[rng.Next(Suffixes.Length)];
            var day = context.Start.Date.AddDays(rng.Next(Math.Max(1, (int)context.Duration.TotalDays)));
            var at = new DateTimeOffset(day, TimeSpan.Zero).AddHours(9 + (rng.NextDouble() * 5) - zone);
            int items = 15 + rng.Next(40);
            for (int i = 0; i < items; i++)
            {
                var item = context.Prompts.Pick(kind, rng);
                yield return Request(account, at, item with { Text = item.Text + suffix }) with { Client = client };
                at = at.AddSeconds(30 + (rng.NextDouble() * 150));
            }
        }
    }
}
