using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.ObjectPool;
using Microsoft.Extensions.Options;

namespace AntiDistill.AspNetCore;

/// <summary>
/// The request path's side of capture: takes a record at scoring time, completes it when the exchange ends and hands
/// it to a bounded queue without waiting. A full queue (by count or by body bytes), a body over the limit or a
/// stopped writer drops the record and counts it; nothing here blocks, throws into the request or allocates in
/// steady state (records and body arrays are pooled).
/// </summary>
internal sealed class RequestCapture
{
    private readonly Channel<CaptureRecord> _queue;
    private readonly DefaultObjectPool<CaptureRecord> _records;
    private readonly AntiDistillationMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly long _maxQueueBytes;
    private readonly int _maxBodyBytes;
    private long _queuedBytes;

    public RequestCapture(IOptions<RequestCaptureOptions> options, AntiDistillationMetrics metrics, TimeProvider time)
    {
        var settings = options.Value;
        Options = settings;
        _metrics = metrics;
        _time = time;
        _maxQueueBytes = settings.MaxQueueBytes;
        _maxBodyBytes = settings.MaxBodyBytes;
        _records = new DefaultObjectPool<CaptureRecord>(new DefaultPooledObjectPolicy<CaptureRecord>(), Math.Min(settings.QueueCapacity, RetainedRecords) + 256);

        // DropWrite: a full queue drops the record being written (TryWrite still says true), reported through the callback.
        _queue = Channel.CreateBounded<CaptureRecord>(
            new BoundedChannelOptions(settings.QueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            Dropped);
    }

    public RequestCaptureOptions Options { get; }

    /// <summary>
    /// Records kept for reuse (plus 256 for those being filled; in a burst that fills the queue the rest go to the GC
    /// when handed back): each keeps a body array of up to <see cref="CaptureRecord.KeptBodyBytes"/>, so at most 20 MiB
    /// stay after a burst of large bodies. The writer empties the queue every 20 ms, so 1,024 records are what 50,000
    /// requests a second keep in flight.
    /// </summary>
    internal const int RetainedRecords = 1024;

    public ChannelReader<CaptureRecord> Reader => _queue.Reader;

    /// <summary>Called by the writer before each record: a test's gate, to stall the writer (null in production).</summary>
    internal Action? BeforeWrite { get; set; }

    /// <summary>
    /// The time to observe a captured request at, to the millisecond: the engine is given it and the log carries it,
    /// so a replay sees the very timestamps the live engine did (the engine keeps milliseconds).
    /// </summary>
    public DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(_time.GetUtcNow().ToUnixTimeMilliseconds());

    /// <summary>Takes what the log needs from a request the engine has just observed; null when the body is over the limit (counted).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see CaptureWriterService.Drain: on the request path as well
    public CaptureRecord? Begin(DateTimeOffset observedAt, ReadOnlySpan<byte> body, string? path, in ResolvedCaller caller)
    {
        if (body.Length > _maxBodyBytes)
        {
            _metrics.CaptureDropped(CaptureDropReason.TooLarge);
            return null;
        }

        var record = _records.Get();
        record.TimestampMs = observedAt.ToUnixTimeMilliseconds();
        record.Account = caller.Account.Value;
        record.ApiKey = caller.ApiKey;
        record.Organization = caller.Organization;
        record.Client = caller.Client;
        record.Path = path;
        record.SetBody(body);
        return record;
    }

    /// <summary>Queues a record whose response was observed, with what it served.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see CaptureWriterService.Drain: on the request path as well
    public void Complete(CaptureRecord record, in ServedExchange served)
    {
        record.Served = true;
        record.Status = served.Status;
        record.InputTokens = served.InputTokens;
        record.OutputTokens = served.OutputTokens;
        record.ReasoningTokens = served.ReasoningTokens;
        Enqueue(record);
    }

    /// <summary>Queues a record the middleware refused (blocked, challenged, throttled): the engine was told of no response, nor is the log.</summary>
    public void CompleteRefused(CaptureRecord record) => Enqueue(record);

    /// <summary>The writer is done with a record (written or not).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see CaptureWriterService.Drain: on the request path as well
    public void Return(CaptureRecord record)
    {
        if (record.Queued)
        {
            Interlocked.Add(ref _queuedBytes, -record.BodyLength);
        }

        record.Clear();
        _records.Return(record);
    }

    /// <summary>No more records: the writer drains what is queued and stops.</summary>
    public void Stop() => _queue.Writer.TryComplete();

    internal long QueuedBytes => Volatile.Read(ref _queuedBytes);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see CaptureWriterService.Drain: on the request path as well
    private void Enqueue(CaptureRecord record)
    {
        if (Interlocked.Add(ref _queuedBytes, record.BodyLength) > _maxQueueBytes)
        {
            Interlocked.Add(ref _queuedBytes, -record.BodyLength);
            Drop(record, CaptureDropReason.QueueFull);
            return;
        }

        record.Queued = true;
        if (!_queue.Writer.TryWrite(record))
        {
            Drop(record, CaptureDropReason.Stopped);
        }
    }

    private void Dropped(CaptureRecord record) => Drop(record, CaptureDropReason.QueueFull);

    private void Drop(CaptureRecord record, CaptureDropReason reason)
    {
        _metrics.CaptureDropped(reason);
        Return(record);
    }
}

/// <summary>Why a record was not written (the <c>antidistill.reason</c> tag of <c>antidistill.capture.dropped</c>).</summary>
internal enum CaptureDropReason
{
    /// <summary>The queue was full (records or bytes): the writer is behind or stalled.</summary>
    QueueFull,

    /// <summary>The body was over <see cref="RequestCaptureOptions.MaxBodyBytes"/>.</summary>
    TooLarge,

    /// <summary>The file could not be written (disk full, permissions, a missing mount).</summary>
    IoError,

    /// <summary>The body was not JSON the writer could copy (the engine's readers accept a little more than strict JSON).</summary>
    BadBody,

    /// <summary>The writer had stopped (host shutting down).</summary>
    Stopped,
}
