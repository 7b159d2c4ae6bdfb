using AntiDistill.Cli.Tests.Analyze;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace AntiDistill.Cli.Tests.CommandLine;

/// <summary>Whatever a user types, the CLI answers with an exit code and a message, never an unhandled exception.</summary>
public sealed class ArgumentsPropertyTests : IDisposable
{
    /// <summary>Fixed for the class, because the generator is static; created and removed by each test instance.</summary>
    private static readonly string Folder = Path.Combine(Path.GetTempPath(), "antidistill-tests", "arguments-" + Guid.NewGuid().ToString("N"));

    /// <summary>A small real log, so that argument lists that happen to be valid analyze something (quickly).</summary>
    private static readonly string Log = Path.Combine(Folder, "tiny.log");

    private static readonly string[] Words =
    [
        "analyze", "simulate", "indicators", "export", "--out", "-o", "--html", "--strict", "--max-line-bytes", "--reorder-window", "--max-accounts",
        "--threads", "--seed", "--scale", "--days", "--start", "--corpora", "--help", "-h", "-?", "--version", "--",
        "abc", "-1", "0", "1", "2.5", "1e999", "NaN", "-Infinity", "99999999999", "", " ", "\0", "@", "@\0", "@" + Log, "1,5", "2026-04-06T00:00:00Z",
        Log, Path.Combine(Folder, "missing.jsonl"), Folder, Path.Combine(Folder, "report.json"),
        Path.Combine(Folder, "report.html"), Path.Combine(Folder, "no", "such", "report.json"),
    ];

    public ArgumentsPropertyTests()
    {
        Directory.CreateDirectory(Folder);
        File.WriteAllText(Log, AnalyzeRun.Line("a", DateTimeOffset.UnixEpoch) + "\n");
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    /// <summary>
    /// Argument lists from the CLI's own vocabulary mixed with arbitrary text. No generated argument names a
    /// <c>.jsonl</c> file, so no case starts a full simulation (seconds of work and a file in the working directory).
    /// </summary>
    public static Arbitrary<string[]> Arguments() =>
        Gen.OneOf(
                Gen.Elements(Words),
                Gen.Elements(Words),
                ArbMap.Default.GeneratorFor<string>().Where(s => s is not null && !s.Contains(".jsonl", StringComparison.OrdinalIgnoreCase)))
            .ListOf()
            .Select(list => list.Take(10).ToArray())
            .ToArbitrary();

    [Property(Arbitrary = [typeof(ArgumentsPropertyTests)], MaxTest = 300)]
    public bool RunAsync_AnyArguments_ReturnsAKnownExitCodeWithoutAStackTrace(string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = CliApp.RunAsync(args, output, error).GetAwaiter().GetResult();
        string text = output.ToString() + error.ToString();
        return exit is 0 or 1 or 2 or 3 or 4 or 5 or 130
            && !text.Contains("   at ", StringComparison.Ordinal)
            && !text.Contains("Unhandled exception", StringComparison.Ordinal);
    }

    /// <summary>Found by the property above on CI: System.CommandLine expanded "@..." as a response file and threw on a NUL.</summary>
    [Theory]
    [InlineData("@\0")]
    [InlineData("@/no/such/file.rsp")]
    public async Task RunAsync_ArgumentStartingWithAt_IsAnArgumentNotAResponseFile(string argument)
    {
        var error = new StringWriter();
        int exit = await CliApp.RunAsync(["analyze", argument, "--out", Path.Combine(Folder, "report.json")], new StringWriter(), error);
        Assert.NotEqual(0, exit);
        Assert.DoesNotContain("   at ", error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Found by the property above: a NUL in a path option (`simulate --corpora "a\0b"`) threw "Null character in path"
    /// out of a path API. Every path a command takes is checked for characters no file system allows.
    /// </summary>
    [Theory]
    [InlineData("simulate", "--corpora", "a\0b")]
    [InlineData("simulate", "--out", "a\0b")]
    [InlineData("analyze", "a\0b")]
    [InlineData("analyze", "log.jsonl", "--out", "a\0b")]
    [InlineData("analyze", "log.jsonl", "--html", "a\0b")]
    [InlineData("analyze", "log.jsonl", "--indicators", "a\0b")]
    [InlineData("indicators", "export", "a\0b")]
    [InlineData("indicators", "export", "report.json", "--out", "a\0b")]
    public async Task RunAsync_NulInAPath_UsageErrorWithoutAStackTrace(params string[] args)
    {
        var error = new StringWriter();
        int exit = await CliApp.RunAsync([.. args.Select(a => a.Replace("\\0", "\0", StringComparison.Ordinal))], new StringWriter(), error);
        Assert.NotEqual(0, exit);
        Assert.DoesNotContain("   at ", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled", error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Found by the property above: `analyze LOG --out ""` threw ArgumentException out of Path.GetFullPath, and
    /// `indicators export` did the same from File.Create and File.ReadAllBytesAsync. An empty argument is a usage error.
    /// </summary>
    [Theory]
    [InlineData("analyze", "log.jsonl", "--out", "")]
    [InlineData("analyze", "log.jsonl", "--out", "report.json", "--html", "")]
    [InlineData("analyze", "", "--out", "report.json")]
    [InlineData("indicators", "export", "")]
    [InlineData("indicators", "export", "report.json", "--out", "")]
    [InlineData("simulate", "--out", "")]
    public async Task RunAsync_EmptyArgument_UsageErrorWithoutAStackTrace(params string[] args)
    {
        var error = new StringWriter();
        int exit = await CliApp.RunAsync(args, new StringWriter(), error);
        Assert.Equal(1, exit);
        Assert.Contains("is empty", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error.ToString(), StringComparison.Ordinal);
    }
}
