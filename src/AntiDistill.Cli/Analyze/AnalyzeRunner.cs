using System.Diagnostics;
using System.Globalization;
using AntiDistill.Cli.Report;

namespace AntiDistill.Cli.Analyze;

/// <summary>One <c>analyze</c> run: the pipeline, the reports, the closing summary, and the errors a user can act on.</summary>
internal static class AnalyzeRunner
{
    /// <summary>
    /// The identity key of offline runs. Reports name accounts in clear (the analyst has the log), so a secret
    /// key protects nothing here, while a fixed one makes reruns agree to the byte (shard placement and
    /// linkage order follow the hashes).
    /// </summary>
    private const string IdentityKey = "YW50aWRpc3RpbGwtYW5hbHl6ZS1vZmZsaW5lLWtleS0x";

    public static async Task<int> RunAsync(AnalyzeSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            CheckWritable(settings.ReportPath);
            CheckWritable(settings.HtmlPath);
            var clock = Stopwatch.StartNew();
            var report = await AnalyzeAsync(settings, error, cancellationToken).ConfigureAwait(false);
            double seconds = clock.Elapsed.TotalSeconds;
            Save(settings.ReportPath, stream => JsonReportWriter.Write(report, stream));
            Save(settings.HtmlPath, stream => HtmlReportWriter.Write(report, Path.GetFileName(Path.TrimEndingDirectorySeparator(settings.LogName)), stream));
            await output.WriteLineAsync(Summary(report, settings, seconds)).ConfigureAwait(false);
            return await ExitCodeAsync(report, settings, error).ConfigureAwait(false);
        }
        catch (AnalyzeException e)
        {
            await error.WriteLineAsync("antidistill analyze: " + e.Message).ConfigureAwait(false);
            return e.ExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("antidistill analyze: canceled").ConfigureAwait(false);
            return ExitCodes.Canceled;
        }
    }

    /// <summary>Reads the log through the engine and returns the findings (no files written).</summary>
    /// <exception cref="AnalyzeException">The log cannot be read, or a bad line under <c>--strict</c>.</exception>
    public static async Task<AnalysisReport> AnalyzeAsync(AnalyzeSettings settings, TextWriter error, CancellationToken cancellationToken)
    {
        var options = new AntiDistillationOptions { IdentityKey = IdentityKey };
        options.Accounts.MaxAccounts = settings.MaxAccounts;
        var time = new ReplayClock();
        var engine = new DistillationEngine(options, time);
        engine.Indicators = await Indicators.IndicatorFiles.LoadAsync(settings, engine.Identities, error, cancellationToken).ConfigureAwait(false);

        using var source = LogSource.Open(settings.LogPaths);
        AnalyzePipeline? pipeline = null;
        ReplayStage? replay = null;
        Func<(long, long)>? progress = settings.ShowProgress ? () => (pipeline?.InputPosition ?? 0, replay?.Records ?? 0) : null;
        using var status = new StatusLine(error, progress, source.Length);
        var badLines = new BadLineReporter(status, settings.Strict);
        replay = new ReplayStage(engine, time, badLines, settings);
        pipeline = new AnalyzePipeline(settings, replay, engine.Identities);
        await pipeline.RunAsync(source, cancellationToken).ConfigureAwait(false);
        badLines.Finish();
        if (source.Damage is not null)
        {
            // Under --strict nothing partial is written; otherwise the records before the damage are a true account
            // of that part of the log (every finished gzip member passed its CRC check), so the report is written,
            // says it is incomplete (input.complete), and the exit code is not 0.
            if (settings.Strict)
            {
                throw new AnalyzeException(source.Damage + " (--strict: no report written)", ExitCodes.Damaged);
            }

            status.WriteLine("warning: " + source.Damage + "; the report covers only the records before it");
        }

        if (replay.UnreadBodies > 0)
        {
            status.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"warning: {replay.UnreadBodies:N0} records had a body in no known format and no prompt; they were scored on timing and client attributes only"));
        }

        return ReportBuilder.Build(engine, replay, badLines.Count, source, options.Risk);
    }

    /// <summary>0 only for a whole log with at least one record: lost data or an empty run must never look like success.</summary>
    private static async Task<int> ExitCodeAsync(AnalysisReport report, AnalyzeSettings settings, TextWriter error)
    {
        if (report.Input.Damage is not null)
        {
            await error.WriteLineAsync($"antidistill analyze: incomplete input, exit code {ExitCodes.Damaged}: {report.Input.Damage}").ConfigureAwait(false);
            return ExitCodes.Damaged;
        }

        if (report.Input.Records == 0)
        {
            await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"antidistill analyze: no valid record in '{settings.LogName}' ({report.Input.Lines:N0} lines, {report.Input.BadLines:N0} bad): nothing was analyzed")).ConfigureAwait(false);
            return ExitCodes.NoRecords;
        }

        return ExitCodes.Success;
    }

    private static string Summary(AnalysisReport report, AnalyzeSettings settings, double seconds)
    {
        int flagged = 0, campaign = 0;
        foreach (var account in report.Accounts)
        {
            flagged += account.Verdict >= Verdict.Suspicious ? 1 : 0;
            campaign += account.Verdict == Verdict.Campaign ? 1 : 0;
        }

        var input = report.Input;
        string written = string.Join(", ", new[] { settings.ReportPath, settings.HtmlPath }.Where(p => p is not null));
        return string.Create(CultureInfo.InvariantCulture,
            $"{input.Records:N0} records, {input.Accounts:N0} accounts, {report.Clusters.Count:N0} clusters, {flagged:N0} flagged ({campaign:N0} campaign), "
            + $"{input.BadLines:N0} bad lines in {seconds:N1} s ({input.Bytes / Math.Max(seconds, 1e-3) / 1e6:N0} MB/s). Wrote {written}.");
    }

    private static void CheckWritable(string? path)
    {
        if (path is null)
        {
            return;
        }

        if (Directory.Exists(path))
        {
            throw new AnalyzeException($"cannot write '{path}': it is a directory.", ExitCodes.Input);
        }

        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null && !Directory.Exists(directory))
        {
            throw new AnalyzeException($"cannot write '{path}': directory '{directory}' does not exist.", ExitCodes.Input);
        }
    }

    private static void Save(string? path, Action<Stream> write)
    {
        if (path is null)
        {
            return;
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024);
            write(stream);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AnalyzeException($"cannot write '{path}': {e.Message}", ExitCodes.Input);
        }
    }
}
