using System.CommandLine;
using System.Globalization;

namespace AntiDistill.Cli.Analyze;

/// <summary><c>antidistill analyze LOG --out report.json [--html report.html] [--strict]</c>.</summary>
internal static class AnalyzeCommand
{
    public static Command Create()
    {
        var log = new Argument<string>("LOG")
        {
            Description = "The request log: JSON Lines in request-log v1, plain (.jsonl) or gzip-compressed (.jsonl.gz).",
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
            Description = "Fail on the first bad line (exit code 3) instead of skipping and counting it.",
        };
        var maxLine = new Option<int>("--max-line-bytes")
        {
            Description = "Lines longer than this are bad lines (skipped without being buffered).",
            DefaultValueFactory = _ => AnalyzeSettings.DefaultMaxLineBytes,
        };
        var window = new Option<double>("--reorder-window")
        {
            Description = "Seconds of log time within which out-of-order records are put back in ts order.",
            DefaultValueFactory = _ => 10,
        };
        var maxAccounts = new Option<int>("--max-accounts")
        {
            Description = "Most accounts the engine tracks at once (about 0.7 KiB each); the least recently active make room.",
            DefaultValueFactory = _ => 1_000_000,
        };
        var threads = new Option<int>("--threads")
        {
            Description = "Threads parsing lines (replay itself is one thread, in order).",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        };
        maxLine.Validators.Add(r => Positive(r, r.GetValueOrDefault<int>()));
        maxAccounts.Validators.Add(r => Positive(r, r.GetValueOrDefault<int>()));
        threads.Validators.Add(r => Positive(r, r.GetValueOrDefault<int>()));
        window.Validators.Add(r =>
        {
            double seconds = r.GetValueOrDefault<double>();
            if (!(seconds >= 0 && seconds <= 86_400))
            {
                r.AddError("--reorder-window must be between 0 and 86400 seconds.");
            }
        });

        var command = new Command("analyze", "Replay a request log (request-log v1) through the engine and write a report (report v1). "
            + "Exit codes: 0 done, 1 usage error, 2 the log cannot be read or the report written, 3 a bad line under --strict.")
        {
            log, output, html, strict, maxLine, window, maxAccounts, threads,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var settings = new AnalyzeSettings
            {
                LogPath = parse.GetValue(log)!,
                ReportPath = parse.GetValue(output),
                HtmlPath = parse.GetValue(html),
                Strict = parse.GetValue(strict),
                MaxLineBytes = parse.GetValue(maxLine),
                ReorderWindow = TimeSpan.FromSeconds(parse.GetValue(window)),
                MaxAccounts = parse.GetValue(maxAccounts),
                ParseThreads = parse.GetValue(threads),

                // A bar only for a person watching: not when stderr is a file, a pipe, or a test's writer.
                ShowProgress = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected,
            };
            return AnalyzeRunner.RunAsync(settings, parse.InvocationConfiguration.Output, error, cancellationToken);
        });
        return command;
    }

    private static void Positive(System.CommandLine.Parsing.OptionResult result, int value)
    {
        if (value <= 0)
        {
            result.AddError(string.Create(CultureInfo.InvariantCulture, $"{result.Option.Name} must be positive."));
        }
    }
}
