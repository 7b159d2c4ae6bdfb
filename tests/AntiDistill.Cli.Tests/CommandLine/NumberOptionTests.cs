using AntiDistill.Cli.Tests.Analyze;

namespace AntiDistill.Cli.Tests.CommandLine;

public sealed class NumberOptionTests : IDisposable
{
    private readonly AnalyzeRun _run = new();

    public void Dispose() => _run.Dispose();

    public static TheoryData<string, string> NotNumbers()
    {
        var data = new TheoryData<string, string>();
        foreach (string option in new[] { "--max-line-bytes", "--reorder-window", "--max-accounts", "--threads", "--seed", "--scale", "--days" })
        {
            foreach (string text in new[] { "abc", "99999999999", "1e999", "NaN", "1,5", "0x10", " " })
            {
                data.Add(option, text);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(NotNumbers))]
    public async Task NumericOption_NotANumber_OneClearErrorAndUsageExit(string option, string text)
    {
        string log = _run.Write("log.jsonl", AnalyzeRun.Line("a", DateTimeOffset.UnixEpoch) + "\n");
        string[] args = option is "--seed" or "--scale" or "--days"
            ? ["simulate", "--out", Path.Combine(_run.Folder, "sim.jsonl"), option, text]
            : ["analyze", log, "--out", _run.ReportPath, option, text];

        var (exit, _, error) = await AnalyzeRun.RunAsync(args);

        // "1,5" is a valid seed nowhere, "NaN" or "1e999" no finite number: all must stop at parsing, before any work.
        Assert.Equal(1, exit);
        Assert.Contains($"{option} must be ", error, StringComparison.Ordinal);
        Assert.Contains($"(got '{text}')", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.False(File.Exists(_run.ReportPath));
        Assert.False(File.Exists(Path.Combine(_run.Folder, "sim.jsonl")));
    }

    [Theory]
    [InlineData("--threads", "0", "--threads must be between 1 and 256")]
    [InlineData("--threads", "100000", "--threads must be between 1 and 256")]
    [InlineData("--max-accounts", "-5", "--max-accounts must be at least 1")]
    [InlineData("--max-line-bytes", "2147483647", "--max-line-bytes must be between 1 and 1073741824")]
    [InlineData("--reorder-window", "-1", "--reorder-window must be between 0 and 86400 seconds")]
    public async Task NumericOption_OutOfRange_NamesTheRange(string option, string text, string message)
    {
        string log = _run.Write("log.jsonl", AnalyzeRun.Line("a", DateTimeOffset.UnixEpoch) + "\n");

        var (exit, _, error) = await AnalyzeRun.RunAsync("analyze", log, "--out", _run.ReportPath, option, text);

        Assert.Equal(1, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NumericOption_InvariantDecimal_Accepted()
    {
        string log = _run.Write("log.jsonl", AnalyzeRun.Line("a", DateTimeOffset.UnixEpoch) + "\n");

        var (exit, _, error) = await AnalyzeRun.RunAsync("analyze", log, "--out", _run.ReportPath, "--reorder-window", "2.5", "--threads", "+2");

        Assert.True(exit == 0, error);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("analyze", "--help")]
    [InlineData("simulate", "--help")]
    public async Task Help_UsageLine_NamesTheInstalledCommand(params string[] args)
    {
        var (exit, output, _) = await AnalyzeRun.RunAsync(args);

        Assert.Equal(0, exit);
        string usage = output[output.IndexOf("Usage:", StringComparison.Ordinal)..];
        Assert.Matches(@"^Usage:\r?\n  antidistill[ \r\n]", usage);
        Assert.DoesNotContain("AntiDistill.Cli", output, StringComparison.Ordinal);
    }
}
