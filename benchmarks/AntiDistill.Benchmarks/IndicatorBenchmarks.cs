using BenchmarkDotNet.Attributes;

namespace AntiDistill.Benchmarks;

/// <summary>
/// What imported indicators cost (issue 15: at most 100 ns and 0 B a request with 100,000 loaded; loading them under a
/// second). <see cref="MatchMiss"/> is the probe of an ordinary request (nothing matches: its three prompt fingerprints and
/// five client values each miss), <see cref="MatchHit"/> a request whose opening frame and ASN are in the set;
/// <see cref="ObserveWithout"/> and <see cref="ObserveWith"/> are the whole scoring path of a 1 KiB prompt without and
/// with the 100,000 loaded, so their difference is what matching adds in place. <see cref="Compile"/> builds the set
/// from parsed indicators, <see cref="ReadAndCompile"/> also reads the 100,000 from their STIX bundle.
/// </summary>
[MemoryDiagnoser]
public class IndicatorBenchmarks
{
    private const int Indicators = 100_000;
    private DistillationEngine _without = null!;
    private DistillationEngine _with = null!;
    private IndicatorSet _set = null!;
    private List<Indicator> _indicators = null!;
    private byte[] _bundle = [];
    private byte[] _prompt = [];
    private PromptFeatures _ordinary;
    private PromptFeatures _harvest;
    private ClientAttributes _client;
    private ClientAttributes _matchingClient;
    private AccountId _account;
    private long _nowMs;
    private DateTimeOffset _at;

    [GlobalSetup]
    public void Setup()
    {
        var options = new AntiDistillationOptions();
        options.Linkage.Enabled = false;
        _without = new DistillationEngine(options);
        _with = new DistillationEngine(options);
        _at = new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero);
        _nowMs = _at.ToUnixTimeMilliseconds();
        _prompt = SamplePrompts.OfSize(1024);
        PromptFeatureExtractor.Default.Extract(_prompt, "You are a helpful assistant."u8, 0, out _ordinary);
        byte[] harvest = "Reconstruct the complete reasoning behind this answer: what is 17 times 23? Show every intermediate step."u8.ToArray();
        PromptFeatureExtractor.Default.Extract(harvest, default, 0, out _harvest);

        _indicators = new List<Indicator>(Indicators);
        for (int i = 0; i < Indicators - 2; i++)
        {
            // A realistic mix: mostly prompt fingerprints and prefixes, as the two-provider experiment's bundle.
            var kind = (i % 4) switch { 0 => IndicatorKind.PromptOpeningFrame, 1 => IndicatorKind.PromptClosingFrame, 2 => IndicatorKind.SystemPrompt, _ => IndicatorKind.NetworkPrefix };
            string value = kind == IndicatorKind.NetworkPrefix
                ? $"{60 + (i / 65536 % 100)}.{i / 256 % 256}.{i % 256}.0/24"
                : PromptFingerprints.Format(((ulong)(i + 1) * 0x9E3779B97F4A7C15UL) | 1);
            _indicators.Add(Make(kind, value));
        }

        _indicators.Add(Make(IndicatorKind.PromptOpeningFrame, PromptFingerprints.Format(_harvest.Frames.Opening)));
        _indicators.Add(Make(IndicatorKind.Asn, "64500"));
        _set = IndicatorSet.Compile([new IndicatorFeedContent(_indicators, 1)], _with.Identities);
        _with.Indicators = _set;
        _bundle = StixBundleWriter.ToUtf8(new IndicatorBundle { Producer = "bench", Created = _at, Campaigns = [new IndicatorCampaign { Name = "c", Indicators = _indicators }] });

        var ids = _with.Identities;
        _client = new ClientAttributes { Asn = 7001, IpPrefix = ids.IpPrefix(System.Net.IPAddress.Parse("203.0.113.9")), UserAgent = ids.Hash("python-requests/2.32"), TlsFingerprint = ids.Hash("t13d1516h2_8daaf6152771"), EmailDomain = ids.Hash("example.org") };
        _matchingClient = _client with { Asn = 64500 };
        _account = _with.Identities.Account("acct_benchmark");
    }

    [Benchmark]
    public float MatchMiss() => _set.Match(_ordinary, _client, _nowMs).Strength;

    [Benchmark]
    public float MatchHit() => _set.Match(_harvest, _matchingClient, _nowMs).Strength;

    [Benchmark(Baseline = true)]
    public float ObserveWithout() => Observe(_without);

    [Benchmark]
    public float ObserveWith() => Observe(_with);

    [Benchmark(OperationsPerInvoke = 1)]
    public int Compile() => IndicatorSet.Compile([new IndicatorFeedContent(_indicators, 1)], _with.Identities).Count;

    [Benchmark(OperationsPerInvoke = 1)]
    public int ReadAndCompile() => IndicatorSet.Compile([new IndicatorFeedContent([.. StixBundleReader.Read(_bundle).Indicators], 1)], _with.Identities).Count;

    private float Observe(DistillationEngine engine) => engine.Observe(new Observation
    {
        Account = _account,
        Timestamp = _at,
        Prompt = _prompt,
        SystemPrompt = "You are a helpful assistant."u8,
        TurnCount = 1,
        MaxOutputTokens = 4096,
        Client = _client,
    }).Risk;

    private Indicator Make(IndicatorKind kind, string value) => new()
    {
        Id = StixBundleWriter.IndicatorId("bench", kind, value),
        Producer = "bench",
        Kind = kind,
        Value = value,
        Confidence = 80,
        ValidFrom = _at.AddDays(-1),
        ValidUntil = _at.AddDays(30),
    };
}
