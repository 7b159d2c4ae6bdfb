namespace AntiDistill.RateLimiting;

/// <summary>
/// Where token buckets live: <see cref="InMemoryTokenBucketStore"/> on one node, a shared store (e.g. Redis)
/// across nodes. A store refills lazily on access from its own clock (no per-key timers), bounds how many
/// buckets it holds, and is safe to call concurrently.
/// </summary>
/// <remarks>
/// <para>Semantics every implementation must keep (they are what <see cref="RiskRateLimiter"/> and its tests assume):</para>
/// <list type="bullet">
/// <item>A bucket never seen (or forgotten) is full: level = <see cref="TokenBucketLimits.Capacity"/>.</item>
/// <item>Refill: level = min(capacity, level + rate × elapsed), elapsed measured by the store's clock since the bucket's last update.</item>
/// <item>Take of <c>t</c> tokens succeeds when level ≥ min(t, capacity) (so a request larger than the bucket can pass
/// when the bucket is full); then level = max(level − t, −maxDebt). Otherwise nothing changes and the result
/// carries RetryAfter = (min(t, capacity) − level) / rate.</item>
/// <item>Settle of <c>t</c> tokens (positive charges more, negative refunds): level = clamp(level − t, −maxDebt, capacity), never refused.</item>
/// </list>
/// <para>The synchronous members serve the local, in-process path; the asynchronous ones may make a network call
/// and are what the limiter's <c>AcquireAsync</c> uses. Forgetting a bucket that has refilled to capacity loses
/// nothing, so a store may evict those first.</para>
/// </remarks>
public interface ITokenBucketStore
{
    /// <summary>Takes <paramref name="tokens"/> from the bucket if it holds enough.</summary>
    TokenBucketResult TryTake(TokenBucketKey key, TokenBucketLimits limits, double tokens);

    /// <summary>Takes <paramref name="tokens"/> from the bucket if it holds enough; may complete asynchronously (a remote store).</summary>
    ValueTask<TokenBucketResult> TryTakeAsync(TokenBucketKey key, TokenBucketLimits limits, double tokens, CancellationToken cancellationToken = default);

    /// <summary>Charges <paramref name="tokens"/> more (positive, may go into debt) or refunds them (negative, up to capacity).</summary>
    void Settle(TokenBucketKey key, TokenBucketLimits limits, double tokens);

    /// <summary>Charges or refunds like <see cref="Settle"/>; may complete asynchronously (a remote store).</summary>
    ValueTask SettleAsync(TokenBucketKey key, TokenBucketLimits limits, double tokens, CancellationToken cancellationToken = default);

    /// <summary>The bucket's current level after refill (capacity for a bucket never seen), for statistics; changes nothing.</summary>
    double GetAvailable(TokenBucketKey key, TokenBucketLimits limits);
}
