using BenchmarkDotNet.Attributes;

namespace AntiDistill.Benchmarks;

/// <summary>Per-request features alone (shingles, MinHash, SimHash, template, lexicon), to see what share of the scoring path they take (ScoringBenchmarks.AccountAndRisk is the rest).</summary>
[MemoryDiagnoser]
public class ExtractionBenchmarks
{
    private readonly PromptFeatureExtractor _extractor = PromptFeatureExtractor.Default;
    private byte[] _prompt = [];
    private byte[] _system = [];

    [Params(256, 1024, 8192, 65536)]
    public int PromptBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _prompt = SamplePrompts.OfSize(PromptBytes);
        _system = SamplePrompts.OfSize(512, seed: 3);
    }

    [Benchmark]
    public ulong Extract()
    {
        _extractor.Extract(_prompt, default, 0, out var features);
        return features.SimHash;
    }

    /// <summary>What the scoring path extracts: the prompt and ScoringBenchmarks' 512-byte system prompt (hashed, not scanned).</summary>
    [Benchmark]
    public ulong ExtractWithSystemPrompt()
    {
        _extractor.Extract(_prompt, _system, 0, out var features);
        return features.SimHash;
    }
}
