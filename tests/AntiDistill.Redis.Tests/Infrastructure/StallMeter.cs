using System.Diagnostics;

namespace AntiDistill.Redis.Tests.Infrastructure;

/// <summary>
/// How long this test process did not run (a shared 2-core box under other builds, a GC pause): a thread-pool ticker
/// every 5 ms records each tick that came more than 20 ms late. A latency measured over a span, less the stalls in it,
/// is the time the code under test spent; a wait for Redis is not a stall (the ticker keeps ticking meanwhile), so
/// a test that bounds waits for Redis can subtract these without hiding them.
/// </summary>
internal sealed class StallMeter : IAsyncDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan Noticeable = TimeSpan.FromMilliseconds(20);

    private readonly List<(long From, long To)> _stalls = [];
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromMinutes(1)); // bounded even if never disposed
    private readonly Task _ticking;

    public StallMeter() => _ticking = TickAsync();

    /// <summary>The time between the two <see cref="Stopwatch"/> timestamps this process was stalled.</summary>
    public TimeSpan StalledBetween(long from, long to)
    {
        long stalled = 0;
        lock (_stalls)
        {
            foreach (var (start, end) in _stalls)
            {
                stalled += Math.Max(0, Math.Min(end, to) - Math.Max(start, from));
            }
        }

        return TimeSpan.FromSeconds((double)stalled / Stopwatch.Frequency);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _ticking;
        _stop.Dispose();
    }

    private async Task TickAsync()
    {
        long last = Stopwatch.GetTimestamp();
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Period, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            long now = Stopwatch.GetTimestamp();
            if (Stopwatch.GetElapsedTime(last, now) - Period > Noticeable)
            {
                lock (_stalls)
                {
                    _stalls.Add((last + (long)(Period.TotalSeconds * Stopwatch.Frequency), now));
                }
            }

            last = now;
        }
    }
}
