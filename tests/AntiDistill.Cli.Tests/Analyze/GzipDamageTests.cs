using System.Diagnostics;
using System.Text.Json;

namespace AntiDistill.Cli.Tests.Analyze;

public sealed class GzipDamageTests : IDisposable
{
    private readonly AnalyzeRun _run = new();

    public void Dispose() => _run.Dispose();

    [Fact]
    public async Task Analyze_GzipCutAtFlushPoint_PartialReportSaysSoExitFour()
    {
        var (member, flushedAt) = GzipLog.Member(0, 600);
        string log = Save("cut.jsonl.gz", member[..flushedAt]);

        var (exit, _, error) = await AnalyzeRun.RunAsync("analyze", log, "--out", _run.ReportPath);

        Assert.Equal(4, exit);
        Assert.Contains($"'{log}' is truncated", error, StringComparison.Ordinal);
        Assert.Contains("warning: ", error, StringComparison.Ordinal);
        var input = Input();
        Assert.Equal(300, input.GetProperty("records").GetInt64());
        Assert.Equal(0, input.GetProperty("bad_lines").GetInt64());
        Assert.False(input.GetProperty("complete").GetBoolean());
        Assert.Contains("truncated", input.GetProperty("damage").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Analyze_GzipCutMidBlockUnderStrict_FailsExitFourNoReportNotABadLine()
    {
        var (member, flushedAt) = GzipLog.Member(0, 600);
        string log = Save("cut.jsonl.gz", member[..(flushedAt + ((member.Length - flushedAt) / 2))]);

        var (exit, _, error) = await AnalyzeRun.RunAsync("analyze", log, "--out", _run.ReportPath, "--strict");

        Assert.Equal(4, exit);
        Assert.Contains($"'{log}' is truncated", error, StringComparison.Ordinal);
        Assert.Contains("--strict", error, StringComparison.Ordinal);
        Assert.DoesNotContain("line ", error.Replace("after line", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.False(File.Exists(_run.ReportPath));
    }

    [Theory]
    [InlineData(6, "CRC-32")] // the member's stored CRC-32
    [InlineData(2, "length")] // its stored length (ISIZE)
    public async Task Analyze_GzipTrailerDamaged_ReportedCorruptNotUnsupportedMethod(int fromEnd, string named)
    {
        var (member, _) = GzipLog.Member(0, 600);
        member[^fromEnd] ^= 0x01;
        string log = Save("bad.jsonl.gz", member);

        var (exit, _, error) = await AnalyzeRun.RunAsync("analyze", log, "--out", _run.ReportPath, "--strict");

        Assert.Equal(4, exit);
        Assert.Contains($"'{log}' is corrupt", error, StringComparison.Ordinal);
        Assert.Contains(named, error, StringComparison.Ordinal);
        Assert.DoesNotContain("unsupported compression method", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Analyze_ConcatenatedGzipMembers_ReadWholeNoFalseAlarm()
    {
        string log = Save("multi.jsonl.gz", [.. GzipLog.Member(0, 600).Member, .. GzipLog.Member(600, 1000).Member, .. GzipLog.Member(1000, 1001).Member]);

        var (exit, _, error) = await AnalyzeRun.RunAsync("analyze", log, "--out", _run.ReportPath, "--strict");

        Assert.True(exit == 0, error);
        Assert.Equal(1001, Input().GetProperty("records").GetInt64());
        Assert.True(Input().GetProperty("complete").GetBoolean());
    }

    [Fact]
    public async Task Analyze_LastOfConcatenatedMembersCut_Truncated()
    {
        var (second, flushedAt) = GzipLog.Member(600, 1000);
        string log = Save("multi.jsonl.gz", [.. GzipLog.Member(0, 600).Member, .. second[..flushedAt]]);

        var (exit, _, error) = await AnalyzeRun.RunAsync("analyze", log, "--out", _run.ReportPath);

        Assert.Equal(4, exit);
        Assert.Contains("is truncated", error, StringComparison.Ordinal);
        Assert.Equal(800, Input().GetProperty("records").GetInt64());
    }

    [Fact]
    public async Task Analyze_BytesAfterLastMember_Corrupt()
    {
        var (member, _) = GzipLog.Member(0, 600);
        string log = Save("tail.jsonl.gz", [.. member, .. "this is not gzip"u8]);

        var (exit, _, error) = await AnalyzeRun.RunAsync("analyze", log, "--out", _run.ReportPath);

        Assert.Equal(4, exit);
        Assert.Contains("is corrupt: bytes after the last complete gzip member", error, StringComparison.Ordinal);
        Assert.Equal(600, Input().GetProperty("records").GetInt64());
    }

    [Fact]
    public async Task Analyze_CompleteGzip_ReportSaysComplete()
    {
        string log = Save("ok.jsonl.gz", GzipLog.Member(0, 600).Member);

        var (exit, _, error) = await AnalyzeRun.RunAsync("analyze", log, "--out", _run.ReportPath);

        Assert.True(exit == 0, error);
        Assert.True(Input().GetProperty("complete").GetBoolean());
        Assert.Equal(600, Input().GetProperty("records").GetInt64());
    }

    /// <summary>The built tool in its own process: the truncation check must hold through its runtimeconfig, not only in this test host.</summary>
    [Fact]
    public async Task InstalledTool_GzipCutAtFlushPoint_ExitFour()
    {
        var (member, flushedAt) = GzipLog.Member(0, 600);
        string log = Save("cut.jsonl.gz", member[..flushedAt]);
        string tool = Path.Combine(AppContext.BaseDirectory, "AntiDistill.Cli.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            ArgumentList = { tool, "analyze", log, "--out", _run.ReportPath },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };

        using var process = Process.Start(start)!;
        string error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(4, process.ExitCode);
        Assert.Contains("is truncated", error, StringComparison.Ordinal);
        Assert.Equal(300, Input().GetProperty("records").GetInt64());
    }

    private string Save(string name, byte[] bytes)
    {
        string path = Path.Combine(_run.Folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private JsonElement Input() => JsonDocument.Parse(File.ReadAllBytes(_run.ReportPath)).RootElement.GetProperty("input");
}
