using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AntiDistill.AspNetCore;

/// <summary>
/// Runs the engine's account linkage and idle eviction on timers (from <see cref="TimeProvider"/>), so the
/// request path only enqueues. A failing pass is logged and the loop goes on; a completed one is recorded in
/// <see cref="LinkageStatus"/> for the health check.
/// </summary>
internal sealed class LinkageService(
    DistillationEngine engine,
    HttpOptionsSnapshot options,
    AntiDistillationMetrics metrics,
    TimeProvider time,
    LinkageStatus status,
    ILogger<LinkageService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Current.LinkageInterval;
        using var timer = new PeriodicTimer(interval, time);
        long lastEviction = time.GetTimestamp();
        status.Start();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                RunOnce(ref lastEviction);

                // Reloaded intervals apply from the next tick.
                var current = options.Current.LinkageInterval;
                if (current != interval)
                {
                    interval = current;
                    timer.Period = interval;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Requests linked between two yields (about half a millisecond of work).</summary>
    private const int SliceRequests = 1024;

    /// <summary>Slices per tick: the default linkage queue's capacity (65,536 requests), whatever backlog is left waits a tick.</summary>
    private const int MaxSlices = 64;

    internal void RunOnce(ref long lastEviction)
    {
        try
        {
            // In slices, yielding the core between them: on a small machine a pass over a quarter-second backlog
            // held one core for tens of milliseconds while requests queued behind it (p99 spikes under load).
            // At most MaxSlices per tick, so that eviction below still runs if requests ever arrive faster than they link.
            int processed = 0, slice, slices = 0;
            while ((slice = engine.ProcessLinkage(SliceRequests)) == SliceRequests && ++slices < MaxSlices)
            {
                processed += slice;
                Thread.Yield();
            }

            processed += slice;
            if (processed > 0)
            {
                metrics.Linked(processed);
                Log.LinkageProcessed(logger, processed, engine.LinkageDropped);
            }

            if (time.GetElapsedTime(lastEviction) >= options.Current.EvictionInterval)
            {
                lastEviction = time.GetTimestamp();
                int evicted = engine.EvictIdle();
                Log.Evicted(logger, evicted, engine.TrackedAccounts);
            }

            status.Completed(engine.LinkageDropped);
        }
        catch (Exception ex)
        {
            // A bug in one pass must not stop linkage for the life of the process.
            Log.LinkageFailed(logger, ex);
        }
    }
}
