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
/// When Redis fails (an error, a call slower than <see cref="RedisStateOptions.OperationTimeout"/>, or the circuit open
/// after repeated failures), <see cref="RedisFailureMode.FailOpen"/> serves the call from this node's in-memory
/// buckets and <see cref="RedisFailureMode.FailClosed"/> refuses takes (settles are then dropped). Nothing throws.
/// While failing open, each node enforces the limit on its own: an account spread over n nodes gets up to n times it.
/// </remarks>
internal sealed class RedisTokenBucketStore : ITokenBucketStore
{
    private readonly RedisConnection _connection;
    private readonly RedisResilience _resilience;
    private readonly RedisMetrics _metrics;
    private readonly RedisKeys _keys;
    private readonly ITokenBucketStore _local;
    private readonly DistillationEngine _engine;
    private readonly RedisFailureMode _mode;
    private readonly TimeSpan _closedRetryAfter;
    private readonly TimeSpan _operationTimeout;
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
        _operationTimeout = options.OperationTimeout;
        _logger = logger;
    }

    public TokenBucketResult TryTake(TokenBucketKey key, TokenBucketLimits limits, double tokens)
    {
        try
        {
            return _resilience.Operation.Execute(
                static (s, _) => TokenBucketScript.Read(s.Db().ScriptEvaluate(TokenBucketScript.Source, [s.Key], TokenBucketScript.Arguments(s.Limits, s.Tokens, TokenBucketScript.Take)), s.Limits, s.Tokens),
                new Call(this, RedisKey(key), limits, tokens),
                CancellationToken.None);
        }
        catch (Exception ex) when (RedisResilience.IsFallback(ex))
        {
            return Fallback(ex, key, limits, tokens);
        }
    }

    public async ValueTask<TokenBucketResult> TryTakeAsync(TokenBucketKey key, TokenBucketLimits limits, double tokens, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _resilience.Operation.ExecuteAsync(
                static async (s, ct) => TokenBucketScript.Read(
                    await (await s.DbAsync(ct).ConfigureAwait(false)).ScriptEvaluateAsync(TokenBucketScript.Source, [s.Key], TokenBucketScript.Arguments(s.Limits, s.Tokens, TokenBucketScript.Take)).WaitAsync(ct).ConfigureAwait(false),
                    s.Limits,
                    s.Tokens),
                new Call(this, RedisKey(key), limits, tokens),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisResilience.IsFallback(ex) || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return Fallback(ex, key, limits, tokens);
        }
    }

    public void Settle(TokenBucketKey key, TokenBucketLimits limits, double tokens)
    {
        try
        {
            _resilience.Operation.Execute(
                static (s, _) => s.Db().ScriptEvaluate(TokenBucketScript.Source, [s.Key], TokenBucketScript.Arguments(s.Limits, s.Tokens, TokenBucketScript.Settle)),
                new Call(this, RedisKey(key), limits, tokens),
                CancellationToken.None);
        }
        catch (Exception ex) when (RedisResilience.IsFallback(ex))
        {
            SettleFallback(ex, key, limits, tokens);
        }
    }

    public async ValueTask SettleAsync(TokenBucketKey key, TokenBucketLimits limits, double tokens, CancellationToken cancellationToken = default)
    {
        try
        {
            await _resilience.Operation.ExecuteAsync(
                static async (s, ct) => await (await s.DbAsync(ct).ConfigureAwait(false)).ScriptEvaluateAsync(TokenBucketScript.Source, [s.Key], TokenBucketScript.Arguments(s.Limits, s.Tokens, TokenBucketScript.Settle)).WaitAsync(ct).ConfigureAwait(false),
                new Call(this, RedisKey(key), limits, tokens),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisResilience.IsFallback(ex) || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            SettleFallback(ex, key, limits, tokens);
        }
    }

    public double GetAvailable(TokenBucketKey key, TokenBucketLimits limits)
    {
        try
        {
            return _resilience.Operation.Execute(
                static (s, _) => TokenBucketScript.Read(s.Db().ScriptEvaluate(TokenBucketScript.Source, [s.Key], TokenBucketScript.Arguments(s.Limits, 0, TokenBucketScript.Peek)), s.Limits, 0).Remaining,
                new Call(this, RedisKey(key), limits, 0),
                CancellationToken.None);
        }
        catch (Exception ex) when (RedisResilience.IsFallback(ex))
        {
            _metrics.Failed("limit");
            return _local.GetAvailable(key, limits);
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

    private readonly record struct Call(RedisTokenBucketStore Store, RedisKey Key, TokenBucketLimits Limits, double Tokens)
    {
        public IDatabase Db() => Store._connection.TryGetDatabase(Store._operationTimeout)
            ?? throw new RedisException("Redis is not connected yet.");

        public ValueTask<IDatabase> DbAsync(CancellationToken cancellationToken) => Store._connection.GetDatabaseAsync(cancellationToken);
    }
}
