using System.Globalization;
using AntiDistill.Cli;

namespace AntiDistill.Demo;

/// <summary>What the demo simulates and where it writes.</summary>
internal sealed record DemoSettings
{
    /// <summary>Relative to the current directory, so from the repository root it lands in the ignored <c>artifacts/</c>.</summary>
    public const string DefaultOutput = "artifacts/demo";

    /// <summary>About 25,000 requests from 550 accounts: every population present, a few seconds on two cores.</summary>
    public const double DefaultScale = 0.25;

    public const int DefaultDays = 3;

    public required string Output { get; init; }

    public double Scale { get; init; } = DefaultScale;

    public int Days { get; init; } = DefaultDays;

    public int Seed { get; init; } = 1;

    public string? Corpora { get; init; }

    public string Log => Path.Combine(Output, "traffic.jsonl.gz");

    public string Truth => Path.Combine(Output, "traffic.truth.csv");

    public string Report => Path.Combine(Output, "report.json");

    public string Html => Path.Combine(Output, "report.html");
}

/// <summary>The demo: <c>antidistill simulate</c>, then <c>antidistill analyze</c>, through <see cref="CliApp"/> in-process, then the findings.</summary>
internal static class DemoRun
{
    /// <summary>Runs the demo; the findings are printed to <paramref name="stdout"/>.</summary>
    /// <returns>The exit code: 0, or the failing command's.</returns>
    public static async Task<int> RunAsync(DemoSettings settings, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var (code, _) = await RunWithFindingsAsync(settings, stdout, stderr, cancellationToken).ConfigureAwait(false);
        return code;
    }

    /// <summary>Runs the demo and also returns what it read back from the report (null when a command failed).</summary>
    public static async Task<(int Code, Findings? Findings)> RunWithFindingsAsync(
        DemoSettings settings, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(stdout);
        Directory.CreateDirectory(settings.Output);

        string[] simulate =
        [
            "simulate", "--out", settings.Log, "--scale", Invariant(settings.Scale), "--days", Invariant(settings.Days), "--seed", Invariant(settings.Seed),
            .. settings.Corpora is null ? Array.Empty<string>() : ["--corpora", settings.Corpora],
        ];
        string[] analyze = ["analyze", settings.Log, "--out", settings.Report, "--html", settings.Html];

        foreach (string[] command in (string[][])[simulate, analyze])
        {
            cancellationToken.ThrowIfCancellationRequested();
            await stdout.WriteLineAsync("$ antidistill " + string.Join(' ', command.Select(Shorten))).ConfigureAwait(false);
            int code = await CliApp.RunAsync(command, stdout, stderr).ConfigureAwait(false);
            if (code != 0)
            {
                await stderr.WriteLineAsync($"demo: 'antidistill {command[0]}' failed with exit code {code}.").ConfigureAwait(false);
                return (code, null);
            }
        }

        var findings = Findings.Load(settings.Report, settings.Truth);
        FindingsPrinter.Print(findings, settings, stdout);
        return (0, findings);
    }

    private static string Invariant(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);

    /// <summary>Paths under the current directory print relative, as a user would type them.</summary>
    private static string Shorten(string argument) =>
        Path.IsPathFullyQualified(argument) && argument.StartsWith(Environment.CurrentDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? Path.GetRelativePath(Environment.CurrentDirectory, argument)
            : argument;
}
