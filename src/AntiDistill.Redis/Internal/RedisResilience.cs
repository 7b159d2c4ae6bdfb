using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using StackExchange.Redis;

namespace AntiDistill.Redis.Internal;

/// <summary>
/// What bounds the time a caller spends on Redis: one <see cref="RedisCircuit"/> for everything this node sends (when
/// Redis fails, the limits and the sync stop trying at once), one deadline per rate-limit call, and a gate behind an
/// overdue call.
/// </summary>
/// <remarks>
/// The gate: the multiplexer sends every call over one connection and Redis answers in order, so a call sent while an
/// earlier one is still unanswered past its timeout would be answered after it, if at all. Such calls are not sent
/// and fall back at once. That is what bounds a request to one timeout however many calls it makes (a take, a cluster
/// take, a refund): the first to meet a hung Redis waits, the rest do not. The gate lifts as soon as the overdue call
/// is answered (a short stall costs nothing more); until then each further timeout it stays unanswered counts as one
/// more timeout in a row, since a call sent then would have timed out too, so a hung Redis opens the circuit after
/// <see cref="RedisStateOptions.BreakerConsecutiveTimeouts"/> timeouts even when requests are few.
/// </remarks>
internal sealed class RedisResilience : IDisposable
{
    private static readonly TimeoutException Behind = new("Redis has not answered an earlier call within the operation timeout; this one would queue behind it.");
    private static readonly BrokenCircuitException Open = new("The Redis circuit is open: Redis is deemed down until a background probe gets an answer.");

    private readonly RedisCircuit _circuit;
    private readonly ResiliencePipeline _syncTimeout;
    private readonly TimeProvider _time;
    private readonly TimeSpan _operationTimeout;
    private int _overdue;

    public RedisResilience(RedisConnection connection, RedisStateOptions options, TimeProvider time, ILogger logger)
    {
        _time = time;
        _operationTimeout = options.OperationTimeout;
        _circuit = new RedisCircuit(options, time, () => ProbeAsync(connection), logger);
        _syncTimeout = new ResiliencePipelineBuilder { TimeProvider = time }.AddTimeout(options.SyncTimeout).Build();
    }

    /// <summary>Whether the circuit is open (Redis deemed down).</summary>
    public bool IsOpen => _circuit.IsOpen;

    /// <summary>Failures that mean "Redis is not answering properly", as opposed to bugs or cancellation.</summary>
    public static bool IsRedisFailure(Exception exception) =>
        exception is RedisException or TimeoutRejectedException or TimeoutException or IOException or ObjectDisposedException;

    /// <summary>Anything a call to Redis may throw that the caller turns into a fallback: the above, and the open circuit.</summary>
    public static bool IsFallback(Exception exception) => IsRedisFailure(exception) || exception is BrokenCircuitException;

    /// <summary>Whether a rate-limit call may be sent now; if not, why not (for the fallback's log): the circuit is open, or an earlier call is overdue.</summary>
    public bool TryEnter([NotNullWhen(false)] out Exception? refusal)
    {
        refusal = _circuit.IsOpen ? Open : Volatile.Read(ref _overdue) != 0 ? Behind : null;
        return refusal is null;
    }

    /// <summary>The start of a rate-limit call, whose deadline is one operation timeout later.</summary>
    public long Start() => _time.GetTimestamp();

    /// <summary>The time left until the deadline of a call started at <paramref name="started"/>.</summary>
    public TimeSpan Remaining(long started)
    {
        var left = _operationTimeout - _time.GetElapsedTime(started);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    /// <summary>Waits for <paramref name="call"/> until the deadline; throws <see cref="TimeoutException"/> after it.</summary>
    public async ValueTask<T> WithinAsync<T>(Task<T> call, long started, CancellationToken cancellationToken)
    {
        try
        {
            var result = await call.WaitAsync(Remaining(started), _time, cancellationToken).ConfigureAwait(false);
            _circuit.Succeeded();
            return result;
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            Failed(call, ex);
            throw;
        }
        catch (OperationCanceledException)
        {
            Observe(call);
            throw;
        }
    }

    /// <summary>Blocks on <paramref name="call"/> until the deadline (the synchronous store API); throws <see cref="TimeoutException"/> after it.</summary>
    public T Within<T>(Task<T> call, long started)
    {
        try
        {
            if (!Wait(call, Remaining(started)))
            {
                throw new TimeoutException($"Redis did not answer within {_operationTimeout.TotalMilliseconds} ms.");
            }

            var result = call.GetAwaiter().GetResult();
            _circuit.Succeeded();
            return result;
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            Failed(call, ex);
            throw;
        }
    }

    /// <summary>Runs one sync batch: refused while the circuit is open, bounded by the sync timeout, its outcome counted.</summary>
    public async ValueTask<T> SyncAsync<TState, T>(Func<TState, CancellationToken, ValueTask<T>> callback, TState state, CancellationToken cancellationToken)
    {
        if (_circuit.IsOpen)
        {
            throw new BrokenCircuitException(Open.Message);
        }

        try
        {
            var result = await _syncTimeout.ExecuteAsync(callback, state, cancellationToken).ConfigureAwait(false);
            _circuit.Succeeded();
            return result;
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            if (ex is TimeoutRejectedException)
            {
                _circuit.TimedOut(ex);
            }
            else
            {
                _circuit.Failed(ex);
            }

            throw;
        }
    }

    /// <inheritdoc cref="SyncAsync{TState, T}(Func{TState, CancellationToken, ValueTask{T}}, TState, CancellationToken)"/>
    public async ValueTask SyncAsync<TState>(Func<TState, CancellationToken, ValueTask> callback, TState state, CancellationToken cancellationToken) =>
        await SyncAsync(static async (s, ct) =>
        {
            await s.callback(s.state, ct).ConfigureAwait(false);
            return true;
        }, (callback, state), cancellationToken).ConfigureAwait(false);

    /// <summary>Lets an answer, or a failure, that nobody awaits any more go unremarked (no unobserved-task event).</summary>
    public static void Observe(Task call) =>
        call.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    public void Dispose() => _circuit.Dispose();

    private static bool Wait(Task call, TimeSpan timeout)
    {
        try
        {
            return call.Wait(timeout);
        }
        catch (AggregateException)
        {
            return true; // faulted: GetResult rethrows the failure itself
        }
    }

    private void Failed(Task call, Exception exception)
    {
        if (exception is not TimeoutException)
        {
            _circuit.Failed(exception);
            return;
        }

        _circuit.TimedOut(exception);
        if (!call.IsCompleted && Interlocked.CompareExchange(ref _overdue, 1, 0) == 0)
        {
            _ = WatchAsync(call);
        }
        else
        {
            Observe(call);
        }
    }

    /// <summary>Holds the gate while <paramref name="call"/> is unanswered, counting a timeout for every further operation timeout.</summary>
    private async Task WatchAsync(Task call)
    {
        try
        {
            // Bounded: ends when the call is answered or fails (the multiplexer gives up on it after its own timeout),
            // or when the circuit opens, which then keeps every call out by itself.
            while (!_circuit.IsOpen)
            {
                if (await Task.WhenAny(call, Task.Delay(_operationTimeout, _time)).ConfigureAwait(false) == call)
                {
                    break;
                }

                _circuit.TimedOut(Behind);
            }
        }
        finally
        {
            Observe(call);
            Volatile.Write(ref _overdue, 0);
        }
    }

    private async Task ProbeAsync(RedisConnection connection)
    {
        var db = connection.TryGetDatabase(TimeSpan.Zero) ?? throw new RedisException("Redis is not connected yet.");
        var ping = db.PingAsync();
        Observe(ping); // a ping that times out may still fail later
        await ping.WaitAsync(_operationTimeout, _time).ConfigureAwait(false);
    }
}
