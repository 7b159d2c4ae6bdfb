namespace AntiDistill.Simulation;

/// <summary>
/// A researcher running a benchmark once through one account: benchmark items, often with a
/// "Let's think step by step" trigger, a short answer budget, machine pace, then silence.
/// </summary>
public sealed class OrganicBenchmarkEvaluator : Population
{
    private static readonly PromptKind[] Benchmarks = [PromptKind.Math, PromptKind.Reasoning, PromptKind.Coding];

    /// <inheritdoc />
    public override string Name => "organic_benchmark_eval";

    /// <inheritdoc />
    public override bool IsCampaign => false;

    /// <inheritdoc />
    public override IEnumerable<SimulatedRequest> Generate(PopulationContext context)
    {
        var rng = context.Rng;
        foreach (string account in context.Accounts)
        {
            var client = Clients.Person(account, rng) with { UserAgent = "python-httpx/0.28.1", TlsFingerprint = "ja4_python_312" };
            var kind = Benchmarks[rng.Next(Benchmarks.Length)];
            var sources = context.Prompts.SourcesOf(kind);
            string source = sources[rng.Next(sources.Count)];
            bool cot = rng.NextDouble() < 0.5;
            int budget = rng.Next(2) == 0 ? 512 : 1024;
            int items = 300 + rng.Next(1000);
            var at = context.Start.AddHours(rng.NextDouble() * Math.Max(1, context.Duration.TotalHours - 12));
            for (int i = 0; i < items; i++)
            {
                var item = context.Prompts.Pick(kind, source, rng);
                string text = cot ? item.Text + "\nLet's think step by step." : item.Text;
                yield return Request(account, at, item with { Text = text }) with { MaxOutputTokens = budget, Client = client };
                at = at.AddSeconds(0.5 + (rng.NextDouble() * 3));
            }
        }
    }
}
