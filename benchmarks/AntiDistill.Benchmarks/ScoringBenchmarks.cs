using BenchmarkDotNet.Attributes;

namespace AntiDistill.Benchmarks;

/// <summary>
/// The whole per-request path: features, account update, risk, for an account the engine already tracks.
/// Must stay allocation-free and grow linearly with the prompt.
/// </summary>
[MemoryDiagnoser]
public class ScoringBenchmarks
{
    private DistillationEngine _engine = null!;
    private byte[] _prompt = [];
    private byte[] _system = [];
    private AccountId _account;
    private DateTimeOffset _at;

    [Params(256, 1024, 8192, 65536)]
    public int PromptBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _engine = new DistillationEngine(new AntiDistillationOptions());
        _prompt = SamplePrompts.OfSize(PromptBytes);
        _system = SamplePrompts.OfSize(512, seed: 3);
        _account = _engine.Identities.Account("acct_benchmark");
        _at = new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero);
        Observe();
    }

    [Benchmark]
    public float Observe()
    {
        _at = _at.AddSeconds(7);
        var observation = new Observation
        {
            Account = _account,
            Timestamp = _at,
            Prompt = _prompt,
            SystemPrompt = _system,
            TurnCount = 1,
            MaxOutputTokens = 16000,
            ReasoningRequested = true,
        };
        return _engine.Observe(observation).Risk;
    }
}
