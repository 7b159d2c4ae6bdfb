using AntiDistill.RateLimiting;
using AntiDistill.Redis.Internal;
using Log = AntiDistill.Redis.Internal.Log;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AntiDistill.Redis.RateLimiting;

/// <summary>
/// Token buckets shared by every node through Redis (<see cref="TokenBucketScript"/>): an account's limit is the same
/// whichever nodes its requests reach. Cluster buckets are keyed by the cluster's anchor account
/// (<see cref="DistillationEngine.TryGetClusterAnchor"/>), which nodes agree on, not by the node-local cluster id.
/// </summary>
/// <remarks>
/// <para>When Redis fails (an error, no answer within <see cref="RedisStateOptions.OperationTimeout"/>, an earlier call
/// still unanswered past it, or the circuit open), <see cref="RedisFailureMode.FailOpen"/> serves the call from this
/// node's in-memory buckets and <see cref="RedisFailureMode.FailClosed"/> refuses takes (settles are then dropped).
/// Nothing throws. While failing open, each node enforces the limit on its own: an account spread over n nodes gets up
/// to n times it.</para>
/// <para>Settles are sent and not awaited: they are never refused, so the caller has nothing to wait for, and a request
/// (or a refund inside one) then spends its one timeout on the take alone. The multiplexer writes them to the
/// connection in call order, so this node's next take of the bucket still sees them; a settle Redis fails is applied
/// to the local bucket instead (failing open). The number unanswered is bounded by the gate: once a call is overdue,
/// settles are applied locally until Redis answers.</para>
/// </remarks>
internal sealed class RedisTokenBucketStore : ITokenBucketStore
{
    // Only logged, never thrown (a shared instance must not collect concurrent stack traces).
    private static readonly RedisException NotConnected = new("Redis is not connected yet.");

    private readonly RedisConnection _connection;
    private readonly RedisResilience _resilience;
    private readonly RedisMetrics _metrics;
    private readonly RedisKeys _keys;
    private readonly ITokenBucketStore _local;
    private readonly DistillationEngine _engine;
    private readonly RedisFailureMode _mode;
    private readonly TimeSpan _closedRetryAfter;
    private readonly ILogger _logger;

    public RedisTokenBucketStore(RedisConnection connection, RedisResilience resilience, RedisMetrics metrics, RedisStateOptions options,
        ITokenBucketStore local, DistillationEngine engine, ILogger logger)
    {
        _connection = connection;
        _resilience = resilience;
        _metrics = metrics;
        _keys = new RedisKeys(options.KeyPrefix);
        _local = local;
        _engine = engine;
        _mode = options.FailureMode;
        _closedRetryAfter = options.BreakerBreakDuration;
        _logger = logger;
    }

    public TokenBucketResult TryTake(TokenBucketKey key, TokenBucketLimits limits, double tokens)
    {
        if (!_resilience.TryEnter(out var refusal))
        {
            return Fallback(refusal, key, limits, tokens);
        }

        try
        {
            return TokenBucketScript.Read(Evaluate(key, limits, tokens, TokenBucketScript.Take), limits, tokens);
        }
        catch (Exception ex) when (RedisResilience.IsFallback(ex))
        {
            return Fallback(ex, key, limits, tokens);
        }
    }

    public async ValueTask<TokenBucketResult> TryTakeAsync(TokenBucketKey key, TokenBucketLimits limits, double tokens, CancellationToken cancellationToken = default)
    {
        if (!_resilience.TryEnter(out var refusal))
        {
            return Fallback(refusal, key, limits, tokens);
        }

        try
        {
            // One deadline for the whole call: waiting for the first connection and for the reply share it.
            long started = _resilience.Start();
            var db = _connection.TryGetDatabase(TimeSpan.Zero)
                ?? await _resilience.WithinAsync(_connection.GetDatabaseAsync(cancellationToken).AsTask(), started, cancellationToken).ConfigureAwait(false);
            var reply = await _resilience.WithinAsync(Send(db, key, limits, tokens, TokenBucketScript.Take), started, cancellationToken).ConfigureAwait(false);
            return TokenBucketScript.Read(reply, limits, tokens);
        }
        catch (Exception ex) when (RedisResilience.IsFallback(ex) || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return Fallback(ex, key, limits, tokens);
        }
    }

    public void Settle(TokenBucketKey key, TokenBucketLimits limits, double tokens)
    {
        if (!_resilience.TryEnter(out var refusal) || _connection.TryGetDatabase(TimeSpan.Zero) is not { } db)
        {
            SettleFallback(refusal ?? NotConnected, key, limits, tokens);
            return;
        }

        Task<RedisResult> sent;
        try
        {
            sent = Send(db, key, limits, tokens, TokenBucketScript.Settle);
        }
        catch (Exception ex) when (RedisResilience.IsRedisFailure(ex))
        {
            SettleFallback(ex, key, limits, tokens);
            return;
        }

        if (!sent.IsCompletedSuccessfully)
        {
            sent.ContinueWith(
                static (t, state) =>
                {
                    var (store, key, limits, tokens) = ((RedisTokenBucketStore, TokenBucketKey, TokenBucketLimits, double))state!;
                    if (t.Exception?.InnerException is { } ex)
                    {
                        store.SettleFallback(ex, key, limits, tokens);
                    }
                },
                (this, key, limits, tokens),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    public ValueTask SettleAsync(TokenBucketKey key, TokenBucketLimits limits, double tokens, CancellationToken cancellationToken = default)
    {
        Settle(key, limits, tokens); // never waits (see the remarks), so there is nothing to await or to cancel
        return ValueTask.CompletedTask;
    }

    public double GetAvailable(TokenBucketKey key, TokenBucketLimits limits)
    {
        if (!_resilience.TryEnter(out var refusal))
        {
            return LocalAvailable(refusal, key, limits);
        }

        try
        {
            return TokenBucketScript.Read(Evaluate(key, limits, 0, TokenBucketScript.Peek), limits, 0).Remaining;
        }
        catch (Exception ex) when (RedisResilience.IsFallback(ex))
        {
            return LocalAvailable(ex, key, limits);
        }
    }

    /// <summary>The Redis key of a bucket: the account's own hash tag, or the cluster's anchor (this node's id when the anchor is not known yet).</summary>
    internal RedisKey RedisKey(TokenBucketKey key)
    {
        if (key.Scope == TokenBucketScope.Account)
        {
            return _keys.AccountBucket(key.Id);
        }

        return _engine.TryGetClusterAnchor(new ClusterId((int)key.Id), out var anchor)
            ? _keys.ClusterBucket(anchor.Value)
            : _keys.ClusterBucket(key.Id ^ (_engine.Replica?.NodeId ?? 0)); // node-local, never colliding with another node's cluster
    }

    /// <summary>One script call for the synchronous API, blocking until its deadline at most.</summary>
    private RedisResult Evaluate(TokenBucketKey key, TokenBucketLimits limits, double tokens, string op)
    {
        long started = _resilience.Start();
        var db = _connection.TryGetDatabase(_resilience.Remaining(started)) ?? throw new RedisException(NotConnected.Message);
        return _resilience.Within(Send(db, key, limits, tokens, op), started);
    }

    private Task<RedisResult> Send(IDatabase db, TokenBucketKey key, TokenBucketLimits limits, double tokens, string op) =>
        db.ScriptEvaluateAsync(TokenBucketScript.Source, [RedisKey(key)], TokenBucketScript.Arguments(limits, tokens, op));

    private TokenBucketResult Fallback(Exception ex, TokenBucketKey key, TokenBucketLimits limits, double tokens)
    {
        _metrics.Failed("limit");
        _metrics.FellBack(_mode);
        Log.CallFailed(_logger, "limit", ex);
        return _mode == RedisFailureMode.FailOpen
            ? _local.TryTake(key, limits, tokens)
            : new TokenBucketResult(false, 0, _closedRetryAfter);
    }

    private void SettleFallback(Exception ex, TokenBucketKey key, TokenBucketLimits limits, double tokens)
    {
        _metrics.Failed("limit");
        Log.CallFailed(_logger, "settle", ex);
        if (_mode == RedisFailureMode.FailOpen)
        {
            _local.Settle(key, limits, tokens);
        }
    }

    private double LocalAvailable(Exception ex, TokenBucketKey key, TokenBucketLimits limits)
    {
        _metrics.Failed("limit");
        Log.CallFailed(_logger, "limit", ex);
        return _local.GetAvailable(key, limits);
    }
}
