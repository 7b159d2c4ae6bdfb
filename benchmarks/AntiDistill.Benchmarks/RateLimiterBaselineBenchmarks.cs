using System.Threading.RateLimiting;
using BenchmarkDotNet.Attributes;

namespace AntiDistill.Benchmarks;

/// <summary>The framework's partitioned token bucket, for scale: what a plain per-account limit costs per request.</summary>
[MemoryDiagnoser]
public class RateLimiterBaselineBenchmarks
{
    private PartitionedRateLimiter<string> _limiter = null!;

    [GlobalSetup]
    public void Setup() => _limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
    {
        TokenLimit = int.MaxValue,
        TokensPerPeriod = int.MaxValue,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        AutoReplenishment = false,
    }));

    [GlobalCleanup]
    public void Cleanup() => _limiter.Dispose();

    [Benchmark]
    public bool AttemptAcquire()
    {
        using var lease = _limiter.AttemptAcquire("acct_benchmark");
        return lease.IsAcquired;
    }
}
