namespace AntiDistill.Simulation;

/// <summary>
/// Accounts sweeping benchmark-like items for reasoning traces: one or two wrappers, a narrow capability,
/// single-turn, maximal budgets or reasoning on, around the clock.
/// </summary>
public sealed class CampaignCotSweep : Population
{
    private static readonly PromptKind[] Targets = [PromptKind.Math, PromptKind.Reasoning, PromptKind.Coding, PromptKind.Agentic];
    private static readonly int[] Budgets = [16000, 32000, 64000];

    /// <summary>Mean minutes between an account's requests. Default 10.</summary>
    public double MeanGapMinutes { get; init; } = 10;

    /// <inheritdoc />
    public override string Name => "campaign_cot_sweep";

    /// <inheritdoc />
    public override bool IsCampaign => true;

    /// <inheritdoc />
    public override IEnumerable<SimulatedRequest> Generate(PopulationContext context)
    {
        var rng = context.Rng;
        foreach (string account in context.Accounts)
        {
            var client = Clients.Person(account, rng) with { UserAgent = "python-httpx/0.28.1", TlsFingerprint = "ja4_python_312" };
            var target = Targets[rng.Next(Targets.Length)];
            string template = HarvestTemplates.ChainOfThought[rng.Next(HarvestTemplates.ChainOfThought.Length)];
            bool reasoning = template == "{0}" || rng.NextDouble() < 0.5;
            int budget = Budgets[rng.Next(Budgets.Length)];
            var at = context.Start.AddMinutes(rng.NextDouble() * 60);
            while (at < context.End)
            {
                var item = context.Prompts.Pick(rng.NextDouble() < 0.8 ? target : Targets[rng.Next(Targets.Length)], rng);
                yield return Request(account, at, item with { Text = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, item.Text) }) with
                {
                    MaxOutputTokens = budget,
                    Reasoning = reasoning,
                    Client = client,
                };
                at = at.AddMinutes(-MeanGapMinutes * Math.Log(1 - rng.NextDouble()));
            }
        }
    }
}
