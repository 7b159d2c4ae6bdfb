namespace AntiDistill.Cli.Analyze;

/// <summary>What one <c>analyze</c> run reads, writes and how (the command-line options, validated).</summary>
internal sealed record AnalyzeSettings
{
    /// <summary>The default <see cref="MaxLineBytes"/>: 4 MiB, far above any real request, far below trouble.</summary>
    public const int DefaultMaxLineBytes = 4 * 1024 * 1024;

    /// <summary>The largest <see cref="MaxLineBytes"/> accepted: a line buffer must stay below the 2 GiB array limit.</summary>
    public const int MostMaxLineBytes = 1024 * 1024 * 1024;

    /// <summary>The most parsing threads: each is a real thread with batches in flight, and past the cores they only add memory.</summary>
    public const int MostParseThreads = 256;

    /// <summary>
    /// The request logs (<c>.jsonl</c> or <c>.jsonl.gz</c>; a directory stands for its logs in name order), read one after
    /// the other in this order.
    /// </summary>
    public required IReadOnlyList<string> LogPaths { get; init; }

    /// <summary>The logs as named in messages: the one path, or the first and how many more.</summary>
    public string LogName => LogPaths.Count == 1 ? LogPaths[0] : $"{LogPaths[0]} and {LogPaths.Count - 1} more";

    /// <summary>Where the JSON report goes; null to skip writing it (benchmarks).</summary>
    public string? ReportPath { get; init; }

    /// <summary>Where the HTML report goes, or null.</summary>
    public string? HtmlPath { get; init; }

    /// <summary>Fail on the first bad line instead of skipping it.</summary>
    public bool Strict { get; init; }

    /// <summary>Lines longer than this many bytes are bad lines (and are skipped without being buffered whole).</summary>
    public int MaxLineBytes { get; init; } = DefaultMaxLineBytes;

    /// <summary>How far (in log time) records may be out of order and still be replayed in <c>ts</c> order.</summary>
    public TimeSpan ReorderWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Records replayed between two linkage passes at most.</summary>
    public int LinkEvery { get; init; } = 256;

    /// <summary>Log time between two linkage passes at most, like an online engine's background loop.</summary>
    public TimeSpan LinkInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Most accounts the engine tracks at once (the engine's store cap).</summary>
    public int MaxAccounts { get; init; } = 1_000_000;

    /// <summary>Threads that parse lines; by default one per core.</summary>
    public int ParseThreads { get; init; } = Environment.ProcessorCount;

    /// <summary>STIX 2.1 indicator bundles whose indicators every record is matched against (see docs/indicators.md).</summary>
    public IReadOnlyList<string> IndicatorFiles { get; init; } = [];

    /// <summary>The trust given to those bundles, in [0, 1]: multiplies every indicator's weight.</summary>
    public double IndicatorTrust { get; init; } = 1;

    /// <summary>Whether to draw a progress bar on standard error.</summary>
    public bool ShowProgress { get; init; }
}
