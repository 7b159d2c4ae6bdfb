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
    public async Task Analyze_DirectoryWithoutLogs_OneClearLineExitTwo()
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

    [Fact]
    public async Task Analyze_ServedTokensInTheLog_FeedTheAccountsTakeAwaySignal()
    {
        // Two accounts asking alike; one takes away 3,000-token answers. Without the served half they would look the same.
        var lines = new List<string>();
        for (int i = 0; i < 20; i++)
        {
            var at = T0.AddMinutes(i * 9);
            lines.Add(Served(AnalyzeRun.Line("light", at), output: 250, reasoning: null));
            lines.Add(Served(AnalyzeRun.Line("heavy", at), output: 3000, reasoning: 1200));
        }

        var (report, _) = await _run.AnalyzeAsync(_run.Write("served.jsonl", string.Join('\n', lines) + "\n"));
        float Signal(string account, string name)
        {
            var row = report.RootElement.GetProperty("accounts").EnumerateArray().Single(a => a.GetProperty("account").GetString() == account);
            return row.TryGetProperty("signals", out var signals)
                ? signals.EnumerateArray().Where(s => s.GetProperty("name").GetString() == name).Select(s => s.GetProperty("value").GetSingle()).FirstOrDefault()
                : 0f;
        }

        Assert.True(Signal("heavy", "long_answers") > 0.5f, report.RootElement.GetRawText());
        Assert.True(Signal("heavy", "reasoning_take") > 0.5f);
        Assert.Equal(0f, Signal("light", "long_answers"));
    }

    [Fact]
    public async Task Analyze_FollowUpsBeforeTheAnswersCouldBeRead_RushedFollowUpsFromBodiesAndUsage()
    {
        // One long conversation each, 1,500-token answers (150 s of reading): a user model asks 20 s after every answer,
        // a person after 3 to 9 minutes. The turns come from the bodies' message lists, the answers from the usage.
        var lines = new List<string>();
        var person = T0;
        for (int turn = 0; turn < 16; turn++)
        {
            lines.Add(Conversation("model", T0.AddSeconds(turn * 20), turn));
            lines.Add(Conversation("person", person, turn));
            person = person.AddMinutes(3 + (turn % 3 * 3)); // 3, 6, 9 minutes
        }

        var (report, _) = await _run.AnalyzeAsync(_run.Write("dialogues.jsonl", string.Join('\n', lines.Order(StringComparer.Ordinal)) + "\n"));
        float Rushed(string account) => report.RootElement.GetProperty("accounts").EnumerateArray()
            .Single(a => a.GetProperty("account").GetString() == account).GetProperty("signals").EnumerateArray()
            .Where(s => s.GetProperty("name").GetString() == "rushed_follow_ups").Select(s => s.GetProperty("value").GetSingle()).FirstOrDefault();

        Assert.True(Rushed("model") > 0.4f, report.RootElement.GetRawText());
        Assert.Equal(0f, Rushed("person"));
    }

    [Fact]
    public async Task Analyze_DialoguesInterleavedOnOneAccount_EachJudgedOnItsOwnTurns()
    {
        // Three dialogues side by side, a request every 10 s: each turn comes 30 s after its own conversation's 1,500-token
        // answer, and right after another conversation's. The first user message in each body keys its conversation.
        var lines = new List<string>();
        var at = T0;
        for (int turn = 0; turn < 8; turn++)
        {
            for (int dialogue = 0; dialogue < 3; dialogue++)
            {
                lines.Add(Conversation("workers", at, turn, dialogue));
                at = at.AddSeconds(10);
            }
        }

        var (report, _) = await _run.AnalyzeAsync(_run.Write("parallel.jsonl", string.Join('\n', lines) + "\n"));
        float rushed = report.RootElement.GetProperty("accounts").EnumerateArray().Single().GetProperty("signals").EnumerateArray()
            .Where(s => s.GetProperty("name").GetString() == "rushed_follow_ups").Select(s => s.GetProperty("value").GetSingle()).FirstOrDefault();

        // 21 follow-ups judged, all rushed; unkeyed, only the 7 that follow an answer two turns shorter would be.
        Assert.True(rushed > 0.55f, report.RootElement.GetRawText());
    }

    [Theory]
    [InlineData("\"output_tokens\":\"3000\"", "output_tokens must be an integer")]
    [InlineData("\"reasoning_tokens\":1.5", "reasoning_tokens must be an integer")]
    public async Task Analyze_ServedFieldOfTheWrongType_IsABadLineNamingTheField(string field, string expected)
    {
        string line = AnalyzeRun.Line("a", T0)[..^1] + "," + field + "}";
        var (exit, _, error) = await AnalyzeRun.RunAsync(["analyze", _run.Write("bad.jsonl", line + "\n" + AnalyzeRun.Line("b", T0) + "\n"), "--out", _run.ReportPath]);
        Assert.Equal(0, exit);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    /// <summary>Turn <paramref name="turn"/> of a Chat Completions conversation (its history in the body), answered with 1,500 tokens.</summary>
    private static string Conversation(string account, DateTimeOffset ts, int turn, int dialogue = 0)
    {
        var messages = new List<Dictionary<string, string>>();
        for (int t = 0; t <= turn; t++)
        {
            messages.Add(new() { ["role"] = "user", ["content"] = $"question number {t} about the history of {account} and rivers, dialogue {dialogue}" });
            if (t < turn)
            {
                messages.Add(new() { ["role"] = "assistant", ["content"] = "a long answer" });
            }
        }

        string line = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["ts"] = ts.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["account"] = account,
            ["path"] = "/v1/chat/completions",
            ["body"] = new Dictionary<string, object> { ["model"] = "m", ["messages"] = messages },
        });
        return Served(line, output: 1500, reasoning: null);
    }

    private static string Served(string line, int output, int? reasoning) =>
        line[..^1] + $",\"input_tokens\":40,\"output_tokens\":{output}" + (reasoning is int r ? $",\"reasoning_tokens\":{r}" : "") + ",\"status\":200}";
}
