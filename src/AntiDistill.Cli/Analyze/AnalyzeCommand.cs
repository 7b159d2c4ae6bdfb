using System.CommandLine;
using AntiDistill.Cli.CommandLine;

namespace AntiDistill.Cli.Analyze;

/// <summary><c>antidistill analyze LOG... --out report.json [--html report.html] [--strict]</c>.</summary>
internal static class AnalyzeCommand
{
    public static Command Create()
    {
        var log = new Argument<string[]>("LOG")
        {
            Description = "The request log: JSON Lines in request-log v1, plain (.jsonl) or gzip-compressed (.jsonl.gz). Several are read "
                + "one after the other in the order given, as one log (line numbers count on across them); a directory stands for its "
                + "*.jsonl and *.jsonl.gz files in name order (a capture directory: its closed files, oldest first).",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = new Option<string>("--out", "-o")
        {
            Description = "Where to write the JSON report (report v1).",
            HelpName = "report.json",
            Required = true,
        };
        var html = new Option<string?>("--html")
        {
            Description = "Also write a self-contained HTML page of the findings.",
            HelpName = "report.html",
        };
        var strict = new Option<bool>("--strict")
        {
            Description = "Fail on the first bad line (exit code 3) instead of skipping and counting it, and on a cut or corrupt gzip log (exit code 4) without writing a partial report.",
        };
        var maxLine = NumberOption.Int("--max-line-bytes", AnalyzeSettings.DefaultMaxLineBytes, 1, AnalyzeSettings.MostMaxLineBytes,
            "Lines longer than this are bad lines (skipped without being buffered).");
        var window = NumberOption.Double("--reorder-window", 10, s => s is >= 0 and <= 86_400, "between 0 and 86400 seconds",
            "Seconds of log time within which out-of-order records are put back in ts order.");
        var maxAccounts = NumberOption.Int("--max-accounts", 1_000_000, 1, int.MaxValue,
            ("Most accounts the engine scores at once (about 0.7 KiB each; linkage adds about 1.3 KiB each for up to 1,000,000 accounts, whatever this is); "
            + "the least recently active make room. Not a bound on the whole run: every distinct account of the log also keeps about 200 bytes plus twice its name's length for the report and for indicator export."));
        var threads = NumberOption.Int("--threads", Math.Min(Environment.ProcessorCount, AnalyzeSettings.MostParseThreads), 1, AnalyzeSettings.MostParseThreads,
            "Threads parsing lines (replay itself is one thread, in order).");

        var indicators = new Option<string[]>("--indicators")
        {
            Description = "STIX 2.1 indicator bundles (antidistill indicators export, or another provider's) to match every record against; repeatable.",
            HelpName = "bundle.json",
            AllowMultipleArgumentsPerToken = true,
        };
        var trust = NumberOption.Double("--indicator-trust", 1, t => t is >= 0 and <= 1, "between 0 and 1",
            "How much to believe the --indicators bundles: multiplies every indicator's weight.");

        var command = new Command("analyze", "Replay a request log (request-log v1) through the engine and write a report (report v1). "
            + "Exit codes: 0 done, 1 usage error, 2 the log cannot be read or the report written, 3 a bad line under --strict, "
            + "4 a cut or corrupt gzip log (the report covers the records before the damage in that file and every other file, and says so; under --strict none is written), "
            + "5 no valid record in the log (the report is written, empty).")
        {
            log, output, html, strict, maxLine, window, maxAccounts, threads, indicators, trust,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var settings = new AnalyzeSettings
            {
                LogPaths = parse.GetValue(log)!,
                ReportPath = parse.GetValue(output),
                HtmlPath = parse.GetValue(html),
                Strict = parse.GetValue(strict),
                MaxLineBytes = parse.GetValue(maxLine),
                ReorderWindow = TimeSpan.FromSeconds(parse.GetValue(window)),
                MaxAccounts = parse.GetValue(maxAccounts),
                ParseThreads = parse.GetValue(threads),
                IndicatorFiles = parse.GetValue(indicators) ?? [],
                IndicatorTrust = parse.GetValue(trust),

                // A bar only for a person watching: not when stderr is a file, a pipe, or a test's writer.
                ShowProgress = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected,
            };
            return AnalyzeRunner.RunAsync(settings, parse.InvocationConfiguration.Output, error, cancellationToken);
        });
        return command;
    }
}
