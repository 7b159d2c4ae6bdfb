using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using StackExchange.Redis;

namespace AntiDistill.Redis.Internal;

/// <summary>
/// One circuit breaker for everything this node sends to Redis, inside two pipelines that differ only in their
/// time limit (a rate-limit call, a sync batch): when Redis fails, both the sync and the limits stop trying at once
/// for the break duration, and one trial call at a time finds out when it is back.
/// </summary>
internal sealed class RedisResilience
{
    private readonly ILogger _logger;
    private readonly RedisFailureMode _mode;
    private int _open;

    public RedisResilience(RedisStateOptions options, TimeProvider time, ILogger logger)
    {
        _logger = logger;
        _mode = options.FailureMode;
        var breaker = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = options.BreakerMinimumThroughput,
                SamplingDuration = options.BreakerSamplingDuration,
                BreakDuration = options.BreakerBreakDuration,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsRedisFailure),
                OnOpened = args =>
                {
                    if (Interlocked.Exchange(ref _open, 1) == 0)
                    {
                        Log.CircuitOpened(_logger, _mode, args.Outcome.Exception);
                    }

                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    if (Interlocked.Exchange(ref _open, 0) == 1)
                    {
                        Log.CircuitClosed(_logger);
                    }

                    return ValueTask.CompletedTask;
                },
            })
            .Build();

        Operation = new ResiliencePipelineBuilder { TimeProvider = time }.AddPipeline(breaker).AddTimeout(options.OperationTimeout).Build();
        Sync = new ResiliencePipelineBuilder { TimeProvider = time }.AddPipeline(breaker).AddTimeout(options.SyncTimeout).Build();
    }

    /// <summary>For one rate-limit call.</summary>
    public ResiliencePipeline Operation { get; }

    /// <summary>For one sync batch.</summary>
    public ResiliencePipeline Sync { get; }

    /// <summary>Whether the circuit is open (Redis deemed down).</summary>
    public bool IsOpen => Volatile.Read(ref _open) == 1;

    /// <summary>Failures that mean "Redis is not answering properly", as opposed to bugs or cancellation.</summary>
    public static bool IsRedisFailure(Exception exception) =>
        exception is RedisException or TimeoutRejectedException or TimeoutException or IOException or ObjectDisposedException;

    /// <summary>Anything a call to Redis may throw that the caller turns into a fallback: the above, and the open circuit.</summary>
    public static bool IsFallback(Exception exception) => IsRedisFailure(exception) || exception is BrokenCircuitException;
}
