using AntiDistill.Cli;
using AntiDistill.Cli.Analyze;
using BenchmarkDotNet.Attributes;

namespace AntiDistill.Benchmarks;

/// <summary>
/// <c>antidistill analyze</c> end to end (read, parse on every core, replay with linkage, build the report; no
/// files written) on a simulated log of about 206,000 requests (560 MB; coding-agent tool loops make bodies of
/// 10 KiB and more), plain and gzip. Input MB/s = file bytes / mean. The log is made once by
/// <c>antidistill simulate --scale 1.05</c> and cached in the temp directory (delete it after changing the simulator).
/// <c>dotnet run -c Release --project benchmarks/AntiDistill.Benchmarks -- --filter *Analyze* --job short</c>.
/// Peak memory of the same run as a process: see benchmarks/results/analyze-throughput.md.
/// </summary>
[MemoryDiagnoser]
public class AnalyzeBenchmarks
{
    private string _log = string.Empty;

    [Params("jsonl", "jsonl.gz")]
    public string Format { get; set; } = "jsonl";

    [GlobalSetup]
    public void Setup()
    {
        string folder = Path.Combine(Path.GetTempPath(), "antidistill-bench");
        Directory.CreateDirectory(folder);
        _log = Path.Combine(folder, "analyze-1.05." + Format);
        if (!File.Exists(_log))
        {
            // ANTIDISTILL_CORPORA=../shared/data/corpora for corpus prompts (the committed results used them); built-in prompts otherwise.
            string? corpora = Environment.GetEnvironmentVariable("ANTIDISTILL_CORPORA");
            string[] args = ["simulate", "--out", _log, "--scale", "1.05", "--seed", "1", .. corpora is not null ? new[] { "--corpora", corpora } : []];
            if (CliApp.RunAsync(args).GetAwaiter().GetResult() != 0)
            {
                throw new InvalidOperationException("simulate failed");
            }
        }
    }

    [Benchmark]
    public async Task<int> Analyze()
    {
        var report = await AnalyzeRunner.AnalyzeAsync(new AnalyzeSettings { LogPaths = [_log] }, TextWriter.Null, CancellationToken.None);
        return report.Accounts.Count;
    }
}
