using System.Threading.RateLimiting;

namespace AntiDistill.RateLimiting;

/// <summary>One partition of a <see cref="RiskRateLimiter"/> as a plain <see cref="RateLimiter"/>; see <see cref="RiskRateLimiter.ForPartition"/>.</summary>
internal sealed class RiskPartitionLimiter(RiskRateLimiter parent, RiskPartitionKey key) : RateLimiter
{
    private int _disposed;

    // Stateless (the buckets live in the store), so always idle: a wrapper that drops idle limiters loses nothing.
    public override TimeSpan? IdleDuration => TimeSpan.MaxValue;

    public override RateLimiterStatistics? GetStatistics()
    {
        ThrowIfDisposed();
        return parent.GetStatistics(key);
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ThrowIfDisposed();
        return parent.AttemptAcquire(key, permitCount);
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        return parent.AcquireAsync(key, permitCount, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        Interlocked.Exchange(ref _disposed, 1);
        base.Dispose(disposing);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
