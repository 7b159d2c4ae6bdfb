using System.Text.Json;

namespace AntiDistill.Cli.Tests.Analyze;

public sealed class AnalyzeCommandTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 4, 6, 12, 0, 0, TimeSpan.Zero);
    private readonly AnalyzeRun _run = new();

    public void Dispose() => _run.Dispose();

    [Fact]
    public async Task Analyze_MissingFile_OneClearLineExitTwo()
    {
        var (exit, _, error) = await AnalyzeRun.RunAsync("analyze", Path.Combine(_run.Folder, "nope.jsonl"), "--out", _run.ReportPath);

        Assert.Equal(2, exit);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
        Assert.False(File.Exists(_run.ReportPath));
    }

    [Fact]
    public async Task Analyze_Directory_OneClearLineExitTwo()
    {
        var (exit, _, error) = await AnalyzeRun.RunAsync("analyze", _run.Folder, "--out", _run.ReportPath);

        Assert.Equal(2, exit);
        Assert.Contains("is a directory", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public async Task Analyze_CorruptGzip_OneClearLineNoStackTrace()
    {
        string log = _run.Write("log.jsonl.gz", "this is not gzip at all\n");

        var (exit, _, error) = await AnalyzeRun.RunAsync("analyze", log, "--out", _run.ReportPath);

        Assert.Equal(2, exit);
        Assert.Contains("gzip", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public async Task Analyze_MissingOutOption_UsageErrorExitOne()
    {
        string log = _run.Write("log.jsonl", AnalyzeRun.Line("a", T0) + "\n");

        var (exit, _, error) = await AnalyzeRun.RunAsync("analyze", log);

        Assert.Equal(1, exit);
        Assert.Contains("--out", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Analyze_Help_ListsOptions()
    {
        var (exit, output, _) = await AnalyzeRun.RunAsync("analyze", "--help");

        Assert.Equal(0, exit);
        foreach (string option in new[] { "--out", "--html", "--strict", "--max-line-bytes", "--reorder-window" })
        {
            Assert.Contains(option, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Analyze_BadLines_SkippedCountedAndReportedWithLineNumbers()
    {
        var lines = new List<string>();
        for (int i = 0; i < 30; i++)
        {
            lines.Add(i % 2 == 0 ? AnalyzeRun.Line("acct_" + i, T0.AddSeconds(i)) : "{\"ts\": 5, \"account\": \"x\", \"prompt\": \"p\"}");
        }

        string log = _run.Write("log.jsonl", string.Join('\n', lines) + "\n");
        var (report, error) = await _run.AnalyzeAsync(log);

        var input = report.RootElement.GetProperty("input");
        Assert.Equal(30, input.GetProperty("lines").GetInt64());
        Assert.Equal(15, input.GetProperty("records").GetInt64());
        Assert.Equal(15, input.GetProperty("bad_lines").GetInt64());
        Assert.Contains("line 2: ts must be a string", error, StringComparison.Ordinal);
        Assert.Equal(10, error.Split("warning: skipped line").Length - 1);
        Assert.Contains("5 more bad lines (15 in all)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Analyze_StrictWithBadLine_FailsExitThreeNamingTheLine()
    {
        string log = _run.Write("log.jsonl", AnalyzeRun.Line("a", T0) + "\n[1,2]\n" + AnalyzeRun.Line("b", T0) + "\n");

        var (exit, _, error) = await AnalyzeRun.RunAsync("analyze", log, "--out", _run.ReportPath, "--strict");

        Assert.Equal(3, exit);
        Assert.Contains("line 2: not a JSON object", error, StringComparison.Ordinal);
        Assert.False(File.Exists(_run.ReportPath));
    }

    [Fact]
    public async Task Analyze_GzipCrlfAndBom_ReadLikePlainLines()
    {
        string text = "\uFEFF" + string.Join("\r\n", Enumerable.Range(0, 50).Select(i => AnalyzeRun.Line("acct_" + (i % 5), T0.AddMinutes(i)))) + "\r\n";
        string plain = _run.Write("plain.jsonl", text);
        string gzip = _run.Write("log.jsonl.gz", text, gzip: true);

        var (fromPlain, _) = await _run.AnalyzeAsync(plain);
        string plainJson = fromPlain.RootElement.GetProperty("accounts").GetRawText();
        var (fromGzip, _) = await _run.AnalyzeAsync(gzip);

        Assert.Equal(50, fromGzip.RootElement.GetProperty("input").GetProperty("records").GetInt64());
        Assert.Equal(0, fromGzip.RootElement.GetProperty("input").GetProperty("bad_lines").GetInt64());
        Assert.Equal(plainJson, fromGzip.RootElement.GetProperty("accounts").GetRawText());
    }

    [Fact]
    public async Task Analyze_OutOfOrderWithinWindow_ReplayedInTsOrder()
    {
        // Pairs swapped by a few seconds, as a gateway's log order does.
        var lines = new List<string>();
        for (int i = 0; i < 40; i += 2)
        {
            lines.Add(AnalyzeRun.Line("acct", T0.AddSeconds(i + 1)));
            lines.Add(AnalyzeRun.Line("acct", T0.AddSeconds(i)));
        }

        string log = _run.Write("log.jsonl", string.Join('\n', lines));
        var (report, _) = await _run.AnalyzeAsync(log);

        var input = report.RootElement.GetProperty("input");
        Assert.Equal(0, input.GetProperty("late_records").GetInt64());
        Assert.Equal("2026-04-06T12:00:00.000Z", input.GetProperty("first_ts").GetString());
        Assert.Equal("2026-04-06T12:00:39.000Z", input.GetProperty("last_ts").GetString());
    }

    [Fact]
    public async Task Analyze_LaterThanWindow_CountedAsLate()
    {
        string log = _run.Write("log.jsonl", string.Join('\n', AnalyzeRun.Line("a", T0.AddMinutes(10)), AnalyzeRun.Line("b", T0.AddMinutes(20)), AnalyzeRun.Line("c", T0)));

        var (report, _) = await _run.AnalyzeAsync(log, "--reorder-window", "5");

        Assert.Equal(1, report.RootElement.GetProperty("input").GetProperty("late_records").GetInt64());
    }

    [Fact]
    public async Task Analyze_LineOverLimit_BadLineAndTheNextLineStillRead()
    {
        string log = _run.Write("log.jsonl", AnalyzeRun.Line("a", T0, new string('x', 5000)) + "\n" + AnalyzeRun.Line("b", T0) + "\n");

        var (report, error) = await _run.AnalyzeAsync(log, "--max-line-bytes", "1000");

        var input = report.RootElement.GetProperty("input");
        Assert.Equal(1, input.GetProperty("bad_lines").GetInt64());
        Assert.Equal(1, input.GetProperty("records").GetInt64());
        Assert.Contains("line 1: line is longer than the limit", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Analyze_HtmlOption_WritesSelfContainedPageWithEncodedNames()
    {
        string log = _run.Write("log.jsonl", AnalyzeRun.Line("<script>alert(1)</script>", T0) + "\n");
        string html = Path.Combine(_run.Folder, "report.html");

        var (exit, _, error) = await AnalyzeRun.RunAsync("analyze", log, "--out", _run.ReportPath, "--html", html);

        Assert.True(exit == 0, error);
        string page = await File.ReadAllTextAsync(html);
        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=\"http", page, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"http", page, StringComparison.Ordinal);
        Assert.StartsWith("<!doctype html>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Analyze_Summary_NamesRecordsAccountsAndFlagged()
    {
        string log = _run.Write("log.jsonl", AnalyzeRun.Line("a", T0) + "\n" + AnalyzeRun.Line("b", T0) + "\n");

        var (exit, output, _) = await AnalyzeRun.RunAsync("analyze", log, "--out", _run.ReportPath);

        Assert.Equal(0, exit);
        Assert.Matches(@"^2 records, 2 accounts, 0 clusters, 0 flagged \(0 campaign\), 0 bad lines in [\d.]+ s", output);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n")]
    [InlineData("[1]\n{\"ts\": 5}\n")]
    public async Task Analyze_NoValidRecord_EmptyReportExitFive(string content)
    {
        string log = _run.Write("log.jsonl", content);

        var (exit, _, error) = await AnalyzeRun.RunAsync("analyze", log, "--out", _run.ReportPath);

        Assert.Equal(5, exit);
        Assert.Contains($"no valid record in '{log}'", error, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(await File.ReadAllBytesAsync(_run.ReportPath));
        Assert.Equal(0, report.RootElement.GetProperty("accounts").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, report.RootElement.GetProperty("input").GetProperty("first_ts").ValueKind);
    }
}
