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

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A thread of its own, not the thread pool's: the writer blocks on file IO and wakes fifty times a second, and
        // in a half-idle gateway every wake-up of a pool thread set the pool's workers spinning (sched_yield) for far
        // longer than the writer's own work took (benchmarks/results/gateway-capture.md). A dedicated thread sleeps
        // and wakes in the kernel and leaves the pool to the requests.
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Run(stoppingToken);
                done.TrySetResult();
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "AntiDistill capture writer",
        };
        thread.Start();
        return done.Task;
    }

    private void Run(CancellationToken stoppingToken)
    {
        var options = capture.Options;
        Guard(_files.Start);
        _lastHousekeep = Now();
        Log.CaptureStarted(logger, options.Directory!, options.RetainPrompts);
        var reader = capture.Reader;
        var stopping = stoppingToken.WaitHandle;
        try
        {
            // Polls rather than waits for each record: records gather for a pause and are written in one go, so the
            // request path never signals anyone, and the same loop finishes gzip members and closes periods on time.
            while (!reader.Completion.IsCompleted && !stopping.WaitOne(BatchPause))
            {
                Drain(reader);
                Guard(Tick);
            }
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
    /// How long the writer lets records gather between drains: 50 wake-ups a second of a thread of its own, each a
    /// kernel timer and a context switch (microseconds), and batches small enough not to hold the core for long (at
    /// 7,000 requests a second a 100 ms pause makes ~700-record batches, about 1.5 ms of work each). The gateway's
    /// added p99 fell from +1.2 to +0.2 ms when the pause went from 100 to 20 ms, in the same step as the records'
    /// own body arrays (gateway-capture.md: the two were not measured apart). On a pool thread, 10 ms pauses cost the
    /// gateway +20% CPU per request at 1,200 requests/s: each wake-up set the pool's idle workers spinning.
    /// </summary>
    private static readonly TimeSpan BatchPause = TimeSpan.FromMilliseconds(20);

    /// <summary>Writes everything queued now.</summary>
    // AggressiveOptimization: the writer runs fifty times a second, over many records each time, so under load the tiered
    // JIT left its loop in instrumented tier-0 code for the first minute (perf, gateway-capture.md); fully optimized
    // from the first call, it gives up dynamic PGO, which a loop over records does not need.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Drain(ChannelReader<CaptureRecord> reader)
    {
        int written = 0;
        while (reader.TryRead(out var record))
        {
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
