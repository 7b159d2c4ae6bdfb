using Microsoft.Extensions.Logging;

namespace AntiDistill.Redis.Internal;

/// <summary>
/// The circuit breaker of everything this node sends to Redis. It opens on either of two signs:
/// <list type="bullet">
/// <item><see cref="RedisStateOptions.BreakerConsecutiveTimeouts"/> timeouts in a row: a hung Redis costs a timeout
/// per call, so the count of calls, not the share of failures in a window, must decide. A ratio alone kept a busy node
/// waiting for seconds, because the window was full of the successes from before the hang.</item>
/// <item><see cref="RedisStateOptions.BreakerFailureRatio"/> of at least <see cref="RedisStateOptions.BreakerMinimumThroughput"/>
/// calls within <see cref="RedisStateOptions.BreakerSamplingDuration"/>: a Redis that fails some calls, quickly.</item>
/// </list>
/// While open, callers do not send anything, and a background probe (<c>PING</c>, bounded by the operation timeout)
/// every <see cref="RedisStateOptions.BreakerBreakDuration"/> closes it once Redis answers: no request is ever the
/// trial call that waits for a Redis that may still hang.
/// </summary>
internal sealed class RedisCircuit : IDisposable
{
    private const int Buckets = 10;

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly Func<Task> _probe;
    private readonly ILogger _logger;
    private readonly RedisFailureMode _mode;
    private readonly int _consecutiveTimeouts;
    private readonly double _failureRatio;
    private readonly int _minimumThroughput;
    private readonly TimeSpan _breakDuration;
    private readonly long _bucketTicks;
    private readonly (long Number, int Calls, int Failures)[] _window = new (long, int, int)[Buckets];
    private readonly ITimer _timer;
    private int _streak;
    private int _open;
    private bool _disposed;

    /// <summary>A closed circuit; <paramref name="probe"/> completes when Redis answered and throws (or times out) when it did not.</summary>
    public RedisCircuit(RedisStateOptions options, TimeProvider time, Func<Task> probe, ILogger logger)
    {
        _time = time;
        _probe = probe;
        _logger = logger;
        _mode = options.FailureMode;
        _consecutiveTimeouts = options.BreakerConsecutiveTimeouts;
        _failureRatio = options.BreakerFailureRatio;
        _minimumThroughput = options.BreakerMinimumThroughput;
        _breakDuration = options.BreakerBreakDuration;
        _bucketTicks = Math.Max(1, (long)(options.BreakerSamplingDuration.TotalSeconds * time.TimestampFrequency / Buckets));
        _timer = time.CreateTimer(static s => _ = ((RedisCircuit)s!).ProbeAsync(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public bool IsOpen => Volatile.Read(ref _open) == 1;

    /// <summary>A call answered in time: the streak of timeouts ends.</summary>
    public void Succeeded()
    {
        if (Volatile.Read(ref _streak) != 0)
        {
            Interlocked.Exchange(ref _streak, 0);
        }

        Record(failed: false, null);
    }

    /// <summary>A call was not answered in time (or, see <see cref="RedisResilience"/>, went on unanswered for another timeout).</summary>
    public void TimedOut(Exception exception)
    {
        if (Interlocked.Increment(ref _streak) >= _consecutiveTimeouts)
        {
            Open(exception);
        }
        else
        {
            Record(failed: true, exception);
        }
    }

    /// <summary>A call failed otherwise (refused, an error reply): counts towards the ratio only.</summary>
    public void Failed(Exception exception) => Record(failed: true, exception);

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _timer.Dispose();
        }
    }

    private void Record(bool failed, Exception? exception)
    {
        bool open;
        lock (_lock)
        {
            long number = _time.GetTimestamp() / _bucketTicks;
            ref var bucket = ref _window[number % Buckets];
            if (bucket.Number != number)
            {
                bucket = (number, 0, 0);
            }

            bucket.Calls++;
            bucket.Failures += failed ? 1 : 0;
            if (!failed)
            {
                return;
            }

            int calls = 0, failures = 0;
            foreach (var (n, c, f) in _window)
            {
                if (n > number - Buckets)
                {
                    calls += c;
                    failures += f;
                }
            }

            open = calls >= _minimumThroughput && failures >= _failureRatio * calls;
        }

        if (open)
        {
            Open(exception);
        }
    }

    private void Open(Exception? exception)
    {
        lock (_lock)
        {
            if (_open == 1 || _disposed)
            {
                return;
            }

            Volatile.Write(ref _open, 1);
            _timer.Change(_breakDuration, Timeout.InfiniteTimeSpan);
        }

        Log.CircuitOpened(_logger, _mode, exception);
    }

    private async Task ProbeAsync()
    {
        try
        {
            await _probe().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Still down (or the probe failed for a reason of its own): try again after another break, whatever it was,
            // since nothing else would ever close the circuit.
            Log.CallFailed(_logger, "probe", ex);
            lock (_lock)
            {
                if (!_disposed)
                {
                    _timer.Change(_breakDuration, Timeout.InfiniteTimeSpan);
                }
            }

            return;
        }

        lock (_lock)
        {
            // A fresh start: the failures that opened it say nothing about the Redis that just answered.
            Array.Clear(_window);
            Volatile.Write(ref _streak, 0);
            Volatile.Write(ref _open, 0);
        }

        Log.CircuitClosed(_logger);
    }
}
