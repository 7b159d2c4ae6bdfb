using System.ComponentModel.DataAnnotations;

namespace AntiDistill.AspNetCore;

/// <summary>
/// Request capture: every scored request written to disk as request-log v1 (JSON Lines, gzip), so that
/// <c>antidistill analyze</c> can replay the traffic later. Off unless registered with <c>AddRequestCapture</c>. See docs/capture.md.
/// </summary>
public sealed class RequestCaptureOptions
{
    /// <summary>The configuration section <c>AddRequestCapture()</c> binds: <c>AntiDistillation:Capture</c>.</summary>
    public const string SectionName = "AntiDistillation:Capture";

    /// <summary>Where the files go (created when missing). Required. One directory per process: two writers must not share a <see cref="FilePrefix"/>.</summary>
    public string? Directory { get; set; }

    /// <summary>Files are named <c>{FilePrefix}-{start, UTC}-{sequence}.jsonl.gz</c>; only files with this prefix are rotated and deleted. Default <c>capture</c>.</summary>
    [RegularExpression("^[A-Za-z0-9_.]{1,64}$")]
    public string FilePrefix { get; set; } = "capture";

    /// <summary>
    /// Whether message text (prompts, system prompts, tool definitions) is kept. Default false: bodies keep their
    /// shape (roles, turns, tool count, output budget, reasoning settings) with every other string emptied, so a
    /// replay cannot recompute prompt-based signals (templates, elicitation, capability coverage).
    /// </summary>
    public bool RetainPrompts { get; set; }

    /// <summary>A file is closed and a new one started past this many bytes on disk (compressed; checked as the compressor emits). Default 64 MiB.</summary>
    [Range(4096L, long.MaxValue)]
    public long MaxFileBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Files start on multiples of this interval (UTC), so each holds at most one period. 1 minute to 1 day; default 1 hour.</summary>
    public TimeSpan RotateEvery { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The most bytes all capture files may take together; the oldest are deleted first to stay under it. Default 1 GiB; at least <see cref="MaxFileBytes"/>.</summary>
    [Range(4096L, long.MaxValue)]
    public long MaxTotalBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>Files whose records are all older than this are deleted. 1 minute to 3,650 days; default 7 days.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Records waiting for the writer at most; past it (or <see cref="MaxQueueBytes"/>) a record is dropped and counted, never waited for. Default 8,192.</summary>
    [Range(1, 1_048_576)]
    public int QueueCapacity { get; set; } = 8192;

    /// <summary>Body bytes waiting for the writer at most (bounds the queue's memory). Default 64 MiB.</summary>
    [Range(4096L, long.MaxValue)]
    public long MaxQueueBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>A request whose body is larger is not captured (counted as a drop, reason <c>too_large</c>). Default 1 MiB; the analyzer's default line limit is 4 MiB.</summary>
    [Range(1, 1024 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// How often the open file is made readable up to its last record (a gzip member is finished), when records
    /// arrived since. A crash loses at most this much. 100 ms to 10 minutes; default 10 seconds.
    /// </summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(10);
}
