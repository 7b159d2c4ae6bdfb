using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AntiDistill.RateLimiting;

/// <summary>
/// A token-weighted rate limiter per account and per cluster, tightened by risk, on <see cref="ITokenBucketStore"/>.
/// A request is charged <c>permitCount × max(1, EstimatedTokens)</c> tokens against its account's bucket and, when the
/// engine links the account into a cluster, against the cluster's shared bucket too; both must admit it. At risk
/// <c>r</c> the charge is divided by the multiplier m(r) of <see cref="RiskTighteningOptions"/>, which is the same as
/// shrinking capacity and refill by m(r).
/// </summary>
/// <remarks>
/// <para>No queue: a request the buckets refuse is refused at once, with <see cref="MetadataName.RetryAfter"/>
/// (when the same request would pass), <see cref="MetadataName.ReasonPhrase"/> and
/// <see cref="RiskRateLimiterMetadata.RejectedBy"/>. <c>AcquireAsync</c> therefore never waits for tokens; it only
/// awaits the store (a network call for a shared store).</para>
/// <para>After the response, charge the real usage with <see cref="Settle(RiskPartitionKey, long)"/>: the estimate's
/// difference is refunded or charged, and a bucket may go into debt, so a big completion delays the next request.</para>
/// <para>Permit count 0 probes: the lease is acquired when both buckets hold tokens, and nothing is taken.
/// Disposing leases returns nothing (tokens are spent). After <see cref="PartitionedRateLimiter{TResource}.Dispose()"/>
/// acquiring throws <see cref="ObjectDisposedException"/>; the store is not disposed (it is shared, e.g. from DI).</para>
/// <para>Plugs in wherever a <see cref="PartitionedRateLimiter{TResource}"/> does: ASP.NET Core's <c>GlobalLimiter</c>
/// through <see cref="PartitionedRateLimiter{TResource}.WithTranslatedKey{TOuter}(Func{TOuter, TResource}, bool)"/>,
/// Polly and YARP through a delegate, or one account as a plain <see cref="RateLimiter"/> through <see cref="ForPartition"/>.</para>
/// </remarks>
public sealed class RiskRateLimiter : PartitionedRateLimiter<RiskPartitionKey>
{
    private readonly ITokenBucketStore _store;
    private readonly ILogger _logger;
    private RiskSettings _settings;
    private IDisposable? _reloadSubscription;
    private long _successful;
    private long _failed;
    private int _disposed;

    /// <summary>A limiter over <paramref name="store"/> with the given options (copied: later changes to the object are not seen).</summary>
    public RiskRateLimiter(RiskRateLimiterOptions options, ITokenBucketStore store, ILogger<RiskRateLimiter>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        _settings = new RiskSettings(options);
        _store = store;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Charges the difference between the real usage and what acquiring <paramref name="key"/> with one permit charged
    /// (<see cref="RiskPartitionKey.TokensPerPermit"/>): a refund when the request used less, a further charge (possibly
    /// into debt) when it used more, at the key's risk weights. Call it once, after the response, and only for an
    /// acquired lease. Never throws for a failing store (logged instead).
    /// </summary>
    /// <param name="key">The key the request was acquired with.</param>
    /// <param name="actualTokens">The tokens the request really cost (input and output, e.g. the response's usage); negative counts as 0.</param>
    public void Settle(RiskPartitionKey key, long actualTokens)
    {
        ThrowIfDisposed();
        double delta = Math.Max(0, actualTokens) - key.TokensPerPermit;
        if (delta == 0)
        {
            return;
        }

        var settings = _settings;
        try
        {
            _store.Settle(TokenBucketKey.ForAccount(key.Account), settings.Account, delta * settings.Weight(key.Risk));
            if (key.Cluster.IsValid)
            {
                _store.Settle(TokenBucketKey.ForCluster(key.Cluster), settings.Cluster, delta * settings.Weight(key.ClusterRisk));
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.SettleFailed(_logger, ex);
        }
    }

    /// <summary>Settles like <see cref="Settle(RiskPartitionKey, long)"/> through the store's asynchronous path (a network call for a shared store).</summary>
    public async ValueTask SettleAsync(RiskPartitionKey key, long actualTokens, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        double delta = Math.Max(0, actualTokens) - key.TokensPerPermit;
        if (delta == 0)
        {
            return;
        }

        var settings = _settings;
        try
        {
            await _store.SettleAsync(TokenBucketKey.ForAccount(key.Account), settings.Account, delta * settings.Weight(key.Risk), cancellationToken).ConfigureAwait(false);
            if (key.Cluster.IsValid)
            {
                await _store.SettleAsync(TokenBucketKey.ForCluster(key.Cluster), settings.Cluster, delta * settings.Weight(key.ClusterRisk), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.SettleFailed(_logger, ex);
        }
    }

    /// <summary>
    /// One partition as a plain <see cref="RateLimiter"/> (for APIs that take one, e.g. Polly's rate limiter strategy or
    /// <c>RateLimitPartition.Get</c>). The view holds no state, so it reports itself idle and partitioning wrappers may
    /// drop and recreate it freely; disposing it leaves this limiter open.
    /// </summary>
    public RateLimiter ForPartition(RiskPartitionKey key) => new RiskPartitionLimiter(this, key);

    /// <summary>
    /// Statistics of <paramref name="resource"/>'s partition: available permits of the key's size (negative while a bucket
    /// is in debt), no queue, and the success and failure counts of the whole limiter (per-key counts would cost memory per key).
    /// </summary>
    public override RateLimiterStatistics? GetStatistics(RiskPartitionKey resource)
    {
        ThrowIfDisposed();
        double tokens;
        try
        {
            tokens = AvailableTokens(resource);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.StoreFailed(_logger, _settings.FailOpen, ex);
            return null;
        }

        return new RateLimiterStatistics
        {
            CurrentAvailablePermits = (long)Math.Floor(tokens / resource.TokensPerPermit),
            CurrentQueuedCount = 0,
            TotalSuccessfulLeases = Interlocked.Read(ref _successful),
            TotalFailedLeases = Interlocked.Read(ref _failed),
        };
    }

    /// <summary>Swaps in reloaded options; requests in flight finish on the old ones.</summary>
    internal void Configure(RiskRateLimiterOptions options) => Volatile.Write(ref _settings, new RiskSettings(options));

    /// <summary>Ties an options-reload subscription to this limiter's lifetime.</summary>
    internal void TrackReload(IDisposable? subscription) => _reloadSubscription = subscription;

    /// <inheritdoc />
    protected override RateLimitLease AttemptAcquireCore(RiskPartitionKey resource, int permitCount)
    {
        ThrowIfDisposed();
        if (permitCount == 0)
        {
            return Probe(resource);
        }

        var settings = _settings;
        double cost = (double)permitCount * resource.TokensPerPermit;
        try
        {
            double accountCost = cost * settings.Weight(resource.Risk);
            var account = _store.TryTake(TokenBucketKey.ForAccount(resource.Account), settings.Account, accountCost);
            if (!account.Acquired)
            {
                return Reject(account.RetryAfter, TokenBucketScope.Account);
            }

            if (resource.Cluster.IsValid)
            {
                var cluster = _store.TryTake(TokenBucketKey.ForCluster(resource.Cluster), settings.Cluster, cost * settings.Weight(resource.ClusterRisk));
                if (!cluster.Acquired)
                {
                    // The two buckets may live on different shards or Redis slots: compensate rather than lock both.
                    _store.Settle(TokenBucketKey.ForAccount(resource.Account), settings.Account, -accountCost);
                    return Reject(cluster.RetryAfter, TokenBucketScope.Cluster);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return StoreFailed(settings, ex);
        }

        Interlocked.Increment(ref _successful);
        return RiskLease.Acquired;
    }

    /// <inheritdoc />
    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(RiskPartitionKey resource, int permitCount, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        cancellationToken.ThrowIfCancellationRequested();
        if (permitCount == 0)
        {
            return Probe(resource);
        }

        var settings = _settings;
        double cost = (double)permitCount * resource.TokensPerPermit;
        try
        {
            double accountCost = cost * settings.Weight(resource.Risk);
            var account = await _store.TryTakeAsync(TokenBucketKey.ForAccount(resource.Account), settings.Account, accountCost, cancellationToken).ConfigureAwait(false);
            if (!account.Acquired)
            {
                return Reject(account.RetryAfter, TokenBucketScope.Account);
            }

            if (resource.Cluster.IsValid)
            {
                var cluster = await _store.TryTakeAsync(TokenBucketKey.ForCluster(resource.Cluster), settings.Cluster, cost * settings.Weight(resource.ClusterRisk), cancellationToken).ConfigureAwait(false);
                if (!cluster.Acquired)
                {
                    // Not cancellable: a refund must not be lost because the caller gave up.
                    await _store.SettleAsync(TokenBucketKey.ForAccount(resource.Account), settings.Account, -accountCost, CancellationToken.None).ConfigureAwait(false);
                    return Reject(cluster.RetryAfter, TokenBucketScope.Cluster);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return StoreFailed(settings, ex);
        }

        Interlocked.Increment(ref _successful);
        return RiskLease.Acquired;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _reloadSubscription?.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc />
    protected override ValueTask DisposeAsyncCore()
    {
        Dispose(true);
        return base.DisposeAsyncCore();
    }

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    /// <summary>Tokens a request of this key may still spend, in real tokens: the tighter of its two buckets after risk weighting.</summary>
    internal double AvailableTokens(RiskPartitionKey key)
    {
        var settings = _settings;
        double tokens = _store.GetAvailable(TokenBucketKey.ForAccount(key.Account), settings.Account) / settings.Weight(key.Risk);
        if (key.Cluster.IsValid)
        {
            tokens = Math.Min(tokens, _store.GetAvailable(TokenBucketKey.ForCluster(key.Cluster), settings.Cluster) / settings.Weight(key.ClusterRisk));
        }

        return tokens;
    }

    private RiskLease Probe(RiskPartitionKey key)
    {
        // Like the framework's token bucket: a probe succeeds while the buckets hold any token, takes nothing, and
        // otherwise reports how long until they hold one.
        var settings = _settings;
        try
        {
            double account = _store.GetAvailable(TokenBucketKey.ForAccount(key.Account), settings.Account);
            if (account <= 0)
            {
                return Reject(TokenBucketMath.WaitFor(1 - account, settings.Account.TokensPerSecond), TokenBucketScope.Account);
            }

            if (key.Cluster.IsValid)
            {
                double cluster = _store.GetAvailable(TokenBucketKey.ForCluster(key.Cluster), settings.Cluster);
                if (cluster <= 0)
                {
                    return Reject(TokenBucketMath.WaitFor(1 - cluster, settings.Cluster.TokensPerSecond), TokenBucketScope.Cluster);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return StoreFailed(settings, ex);
        }

        Interlocked.Increment(ref _successful);
        return RiskLease.Acquired;
    }

    private RiskLease Reject(TimeSpan retryAfter, TokenBucketScope scope)
    {
        Interlocked.Increment(ref _failed);
        return RiskLease.Rejected(retryAfter, scope);
    }

    private RiskLease StoreFailed(RiskSettings settings, Exception ex)
    {
        Log.StoreFailed(_logger, settings.FailOpen, ex);
        if (settings.FailOpen)
        {
            Interlocked.Increment(ref _successful);
            return RiskLease.Acquired;
        }

        Interlocked.Increment(ref _failed);
        return RiskLease.StoreUnavailable;
    }
}
