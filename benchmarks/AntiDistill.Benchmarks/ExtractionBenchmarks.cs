using BenchmarkDotNet.Attributes;

namespace AntiDistill.Benchmarks;

/// <summary>Per-request features alone (shingles, MinHash, SimHash, template, lexicon), to see what share of the scoring path they take.</summary>
[MemoryDiagnoser]
public class ExtractionBenchmarks
{
    private readonly PromptFeatureExtractor _extractor = PromptFeatureExtractor.Default;
    private byte[] _prompt = [];

    [Params(256, 1024, 8192, 65536)]
    public int PromptBytes { get; set; }

    [GlobalSetup]
    public void Setup() => _prompt = SamplePrompts.OfSize(PromptBytes);

    [Benchmark]
    public ulong Extract()
    {
        _extractor.Extract(_prompt, default, 0, out var features);
        return features.SimHash;
    }
}
