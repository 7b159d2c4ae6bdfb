using BenchmarkDotNet.Attributes;

namespace AntiDistill.Benchmarks;

/// <summary>
/// The whole per-request path: features, account update, risk, for an account the engine already tracks.
/// Must stay allocation-free and grow linearly with the prompt.
/// <see cref="Observe"/> is the scoring path alone (linkage off). <see cref="ObserveLinked"/> has linkage on
/// and also pays the linker's own work (off the request path in a real host) every 64 requests, so the table
/// shows the total per request; its few bytes are the linker's index entries for new values (here a new
/// synchrony minute every few requests). That the request path itself allocates nothing with linkage on is
/// asserted by DistillationEngineTests (BenchmarkDotNet cannot drain a queue between invocations without
/// measuring each invocation alone). <see cref="AccountAndRisk"/> is <see cref="Observe"/> with the features
/// extracted beforehand: the account update and the risk model alone, so that with
/// <see cref="ExtractionBenchmarks.ExtractWithSystemPrompt"/> the table splits the path into its two stages.
/// </summary>
[MemoryDiagnoser]
public class ScoringBenchmarks
{
    private DistillationEngine _scoring = null!;
    private DistillationEngine _linked = null!;
    private byte[] _prompt = [];
    private byte[] _system = [];
    private PromptFeatures _features;
    private DistillationEngine _precomputed = null!;
    private AccountId _account;
    private DateTimeOffset _at;
    private int _calls;

    [Params(256, 1024, 8192, 65536)]
    public int PromptBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var scoringOnly = new AntiDistillationOptions();
        scoringOnly.Linkage.Enabled = false;
        _scoring = new DistillationEngine(scoringOnly);
        _linked = new DistillationEngine(new AntiDistillationOptions());
        _precomputed = new DistillationEngine(scoringOnly);
        _prompt = SamplePrompts.OfSize(PromptBytes);
        _system = SamplePrompts.OfSize(512, seed: 3);
        _account = _scoring.Identities.Account("acct_benchmark");
        _at = new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero);
        PromptFeatureExtractor.Default.Extract(_prompt, _system, 0, out _features);
        Observe();
        ObserveLinked();
        AccountAndRisk();
        _linked.ProcessLinkage();
    }

    [Benchmark(Baseline = true)]
    public float Observe() => Run(_scoring);

    [Benchmark]
    public float ObserveLinked()
    {
        float risk = Run(_linked);
        if ((++_calls & 63) == 0)
        {
            _linked.ProcessLinkage();
        }

        return risk;
    }

    [Benchmark]
    public float AccountAndRisk()
    {
        var observation = Next();
        return _precomputed.Observe(observation, _features).Risk;
    }

    private float Run(DistillationEngine engine)
    {
        var observation = Next();
        return engine.Observe(observation).Risk;
    }

    private Observation Next()
    {
        _at = _at.AddSeconds(7);
        return new Observation
        {
            Account = _account,
            Timestamp = _at,
            Prompt = _prompt,
            SystemPrompt = _system,
            TurnCount = 1,
            MaxOutputTokens = 16000,
            ReasoningRequested = true,
            Client = new ClientAttributes { Payment = 17, IpPrefix = 23, UserAgent = 5, TlsFingerprint = 7 },
        };
    }
}
