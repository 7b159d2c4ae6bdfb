using System.Text;
using System.Text.Json;

namespace AntiDistill.Cli.Tests.Analyze;

/// <summary><c>analyze</c> over several files and directories, as a rotated capture leaves them.</summary>
public sealed class SeveralLogsTests : IDisposable
{
    private readonly AnalyzeRun _run = new();

    public void Dispose() => _run.Dispose();

    [Fact]
    public async Task Analyze_SeveralFiles_SameAccountsAndCountsAsOneConcatenatedFile()
    {
        // Plain, gzip, and a plain file whose last line has no line feed: its line must not run into the next file's first.
        string first = Save("a.jsonl", GzipLog.Lines(0, 100));
        string second = Save("b.jsonl.gz", GzipLog.Member(100, 250).Member);
        var third = GzipLog.Lines(250, 300);
        string thirdPath = Save("c.jsonl", third[..^1]);
        string fourth = Save("d.jsonl", GzipLog.Lines(300, 310));
        string whole = Save("whole.jsonl", GzipLog.Lines(0, 310));

        var several = await ReportAsync(first, second, thirdPath, fourth);
        var single = await ReportAsync(whole);

        Assert.Equal(310, Input(several).GetProperty("records").GetInt64());
        Assert.Equal(0, Input(several).GetProperty("bad_lines").GetInt64());
        Assert.True(Input(several).GetProperty("complete").GetBoolean());
        Assert.Equal(Accounts(single), Accounts(several));
    }

    [Fact]
    public async Task Analyze_CutFileBetweenWholeOnes_ReadsTheOthersWholeAndExitsFour()
    {
        var (cut, flushedAt) = GzipLog.Member(600, 1200);
        string before = Save("capture-1.jsonl.gz", GzipLog.Member(0, 600).Member);
        string damaged = Save("capture-2.jsonl.gz", cut[..flushedAt]); // a crash: the open member is cut
        string after = Save("capture-3.jsonl.gz", GzipLog.Member(1200, 1800).Member);

        var (exit, _, error) = await AnalyzeRun.RunAsync("analyze", before, damaged, after, "--out", _run.ReportPath);

        Assert.Equal(4, exit);
        Assert.Contains($"'{damaged}' is truncated", error, StringComparison.Ordinal);
        var input = Input(await Saved());
        Assert.Equal(600 + 300 + 600, input.GetProperty("records").GetInt64());
        Assert.Equal(0, input.GetProperty("bad_lines").GetInt64()); // the line cut by the crash is not a bad line
        Assert.False(input.GetProperty("complete").GetBoolean());
    }

    [Fact]
    public async Task Analyze_CutFileUnderStrict_ExitFourNoReport()
    {
        var (cut, flushedAt) = GzipLog.Member(600, 1200);
        string damaged = Save("capture-1.jsonl.gz", cut[..flushedAt]);
        string after = Save("capture-2.jsonl.gz", GzipLog.Member(1200, 1800).Member);

        var (exit, _, error) = await AnalyzeRun.RunAsync("analyze", damaged, after, "--out", _run.ReportPath, "--strict");

        Assert.Equal(4, exit);
        Assert.Contains("--strict", error, StringComparison.Ordinal);
        Assert.False(File.Exists(_run.ReportPath));
    }

    [Fact]
    public async Task Analyze_CaptureDirectory_ReadsClosedLogsInNameOrderOnly()
    {
        string folder = Path.Combine(_run.Folder, "capture");
        Directory.CreateDirectory(folder);
        // Written out of order: name order is time order, and the replay must not see the later file first.
        Save("capture/capture-20260406T120500000Z-000002.jsonl.gz", GzipLog.Member(300, 600).Member);
        Save("capture/capture-20260406T120000000Z-000001.jsonl.gz", GzipLog.Member(0, 300).Member);
        Save("capture/capture-20260406T121000000Z-000003.jsonl.gz.open", GzipLog.Member(600, 700).Member);
        Save("capture/notes.txt", "not a log"u8.ToArray());

        var input = Input(await ReportAsync(folder));

        Assert.Equal(600, input.GetProperty("records").GetInt64());
        Assert.Equal(0, input.GetProperty("late_records").GetInt64());
        Assert.True(input.GetProperty("complete").GetBoolean());
    }

    [Fact]
    public async Task Analyze_DirectoryWithTrailingSlash_HtmlNamesTheDirectory()
    {
        Directory.CreateDirectory(Path.Combine(_run.Folder, "capture"));
        Save("capture/capture-20260406T120000000Z-000001.jsonl.gz", GzipLog.Member(0, 10).Member);
        string html = Path.Combine(_run.Folder, "report.html");

        var (exit, _, error) = await AnalyzeRun.RunAsync("analyze", Path.Combine(_run.Folder, "capture") + Path.DirectorySeparatorChar,
            "--out", _run.ReportPath, "--html", html);

        Assert.True(exit == 0, $"exit {exit}: {error}");
        Assert.Contains("<title>AntiDistill report: capture</title>", await File.ReadAllTextAsync(html), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Analyze_LaterFileMissing_FailsBeforeAnyWorkExitTwo()
    {
        string present = Save("a.jsonl", GzipLog.Lines(0, 10));
        string missing = Path.Combine(_run.Folder, "b.jsonl");

        var (exit, _, error) = await AnalyzeRun.RunAsync("analyze", present, missing, "--out", _run.ReportPath);

        Assert.Equal(2, exit);
        Assert.Contains($"'{missing}' does not exist", error, StringComparison.Ordinal);
        Assert.False(File.Exists(_run.ReportPath));
    }

    private string Save(string name, byte[] bytes)
    {
        string path = Path.Combine(_run.Folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private async Task<JsonDocument> ReportAsync(params string[] logs)
    {
        var (exit, _, error) = await AnalyzeRun.RunAsync(["analyze", .. logs, "--out", _run.ReportPath]);
        Assert.True(exit == 0, $"exit {exit}: {error}");
        return await Saved();
    }

    private async Task<JsonDocument> Saved() => JsonDocument.Parse(await File.ReadAllBytesAsync(_run.ReportPath));

    private static JsonElement Input(JsonDocument report) => report.RootElement.GetProperty("input");

    private static string Accounts(JsonDocument report)
    {
        var text = new StringBuilder();
        foreach (var account in report.RootElement.GetProperty("accounts").EnumerateArray())
        {
            text.Append(account.GetProperty("account").GetString()).Append(' ')
                .Append(account.GetProperty("verdict").GetString()).Append(' ')
                .Append(account.GetProperty("requests").GetInt64()).Append('\n');
        }

        return text.ToString();
    }
}
