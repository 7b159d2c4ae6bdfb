using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AntiDistill.AspNetCore;

/// <summary>
/// The one writer: drains the capture queue, serializes each record on its own thread and appends it to the current
/// file, and on a timer finishes gzip members, closes files whose period is over and applies retention. An IO error
/// (disk full, permissions, a vanished mount) drops the record and counts it, logs at most one line a minute, and
/// pauses writing for a few seconds before a fresh file is tried: never an exception into the host.
/// </summary>
internal sealed class CaptureWriterService(RequestCapture capture, AntiDistillationMetrics metrics, TimeProvider time, ILogger<CaptureWriterService> logger)
    : BackgroundService
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LogEvery = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan HousekeepEvery = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan DisposeWait = TimeSpan.FromSeconds(5);

    private readonly CaptureLine _line = new();
    private readonly CaptureFiles _files = new(capture.Options, time);
    private long _retryAt = long.MinValue;
    private long _lastLog = long.MinValue / 2; // far enough back that the first failure logs, near enough not to overflow
    private long _lastHousekeep;
    private long _failedSinceLog;
    private long _written;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // start returns at once
        var options = capture.Options;
        Guard(_files.Start);
        _lastHousekeep = Now();
        Log.CaptureStarted(logger, options.Directory!, options.RetainPrompts);

        // Often enough to finish members and close periods on time, seldom enough to cost nothing.
        var tick = options.FlushInterval < TimeSpan.FromSeconds(1) ? options.FlushInterval : TimeSpan.FromSeconds(1);
        var reader = capture.Reader;
        Task<bool>? ready = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                ready ??= reader.WaitToReadAsync(stoppingToken).AsTask();
                if (!ready.IsCompleted)
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    await Task.WhenAny(ready, Task.Delay(tick, time, timeout.Token)).ConfigureAwait(false);
                    await timeout.CancelAsync().ConfigureAwait(false);
                }

                if (ready.IsCompleted)
                {
                    if (!await ready.ConfigureAwait(false))
                    {
                        break; // the queue was completed: nothing more will come
                    }

                    ready = null;
                }

                int drained = Drain(reader);
                Guard(Tick);
                if (drained > 0)
                {
                    // Busy: let records gather for a moment instead of waking for each one. Per wake-up the loop pays a
                    // task, a linked token source and a timer, and under load one wake-up per record cost the gateway
                    // far more than serializing did (benchmarks/results/gateway-capture.md). A wall-clock pause: it
                    // decides when records are written, never the times they carry or the files they go to.
                    await Task.Delay(BatchPause, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            // Whatever was queued before the stop is written; what comes later is dropped as "stopped".
            capture.Stop();
            Drain(reader);
            Guard(_files.Close);
            Log.CaptureStopped(logger, _written);
        }
    }

    /// <summary>
    /// How long the writer lets records gather after a busy drain: at most 10 wake-ups a second, and a queue of
    /// <see cref="RequestCaptureOptions.QueueCapacity"/> (8,192) holds 100 ms of 80,000 requests a second. At 10 ms
    /// the gateway spent 20% more CPU per request with capture on at 1,200 requests/s, though capture's own frames were
    /// 5% of its samples: each wake-up of a pool thread in a half-idle process costs far more than the work it does
    /// (100 ms: +8% in a shorter run right after; gateway-capture.md).
    /// </summary>
    private static readonly TimeSpan BatchPause = TimeSpan.FromMilliseconds(100);

    /// <summary>Writes everything queued now; returns how many records it took.</summary>
    // AggressiveOptimization: the writer runs a few hundred times a second on one background thread, so under load the
    // tiered JIT left it in instrumented tier-0 code for the first minute (perf, gateway-capture.md); fully optimized
    // from the first call, it gives up dynamic PGO, which a loop over records does not need.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Drain(ChannelReader<CaptureRecord> reader)
    {
        int taken = 0;
        int written = 0;
        while (reader.TryRead(out var record))
        {
            taken++;
            try
            {
                capture.BeforeWrite?.Invoke();
                written += Write(record) ? 1 : 0;
            }
            finally
            {
                capture.Return(record);
            }
        }

        if (written > 0)
        {
            _written += written;
            metrics.CaptureWritten(written);
        }

        return taken;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see CaptureWriterService.Drain
    private bool Write(CaptureRecord record)
    {
        if (Now() < _retryAt)
        {
            Failed(null);
            return false;
        }

        if (!_line.TryWrite(record, capture.Options.RetainPrompts))
        {
            metrics.CaptureDropped(CaptureDropReason.BadBody);
            return false;
        }

        try
        {
            _files.Append(_line.Written, record.TimestampMs);
            return true;
        }
        catch (Exception e)
        {
            // Not only IOException: whatever goes wrong with one record must not stop the writer for the others.
            _files.Abandon();
            _retryAt = Now() + (long)RetryAfter.TotalMilliseconds;
            Failed(e);
            return false;
        }
    }

    private void Tick()
    {
        _files.Tick();
        long now = Now();
        if (now - _lastHousekeep >= (long)HousekeepEvery.TotalMilliseconds)
        {
            _lastHousekeep = now;
            _files.Housekeep();
        }
    }

    /// <summary>Runs directory work that drops no record (start, tick, close); its failure is logged like a write's.</summary>
    private void Guard(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            _files.Abandon();
            LogFailure(e);
        }
    }

    /// <summary>A record lost to an IO error (<paramref name="error"/> null: lost while writing is paused after one).</summary>
    private void Failed(Exception? error)
    {
        metrics.CaptureDropped(CaptureDropReason.IoError);
        _failedSinceLog++;
        if (error is not null)
        {
            LogFailure(error);
        }
    }

    private void LogFailure(Exception error)
    {
        long now = Now();
        if (now - _lastLog < (long)LogEvery.TotalMilliseconds)
        {
            return;
        }

        _lastLog = now;
        Log.CaptureWriteFailed(logger, capture.Options.Directory!, error.GetType().Name + ": " + error.Message, _failedSinceLog);
        _failedSinceLog = 0;
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// A host disposed without being stopped first: cancelling lets ExecuteAsync write what is queued and close its file
    /// (waited for, a little); only then is anything it might still use let go of.
    /// </summary>
    public override void Dispose()
    {
        base.Dispose();
        bool done;
        try
        {
            done = ExecuteTask?.Wait(DisposeWait) ?? true;
        }
        catch (AggregateException)
        {
            done = true;
        }

        if (done)
        {
            _files.Abandon();
            _line.Dispose();
        }
    }
}
