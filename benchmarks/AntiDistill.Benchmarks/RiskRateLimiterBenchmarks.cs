using System.Threading.RateLimiting;
using AntiDistill.RateLimiting;
using BenchmarkDotNet.Attributes;

namespace AntiDistill.Benchmarks;

/// <summary>
/// The risk limiter's request path on an existing key, against the framework's partitioned token bucket
/// (same setup as <see cref="RateLimiterBaselineBenchmarks"/>): one account bucket, account + cluster, a risky
/// key (weighted cost), the async path, and settling the real usage after a response.
/// </summary>
[MemoryDiagnoser]
public class RiskRateLimiterBenchmarks
{
    private static readonly RiskPartitionKey Account = new(new AccountId(0xACC0), ClusterId.None, 0.1f, 0, 500);
    private static readonly RiskPartitionKey AccountAndCluster = new(new AccountId(0xACC0), new ClusterId(7), 0.1f, 0.1f, 500);
    private static readonly RiskPartitionKey Risky = new(new AccountId(0xACC0), new ClusterId(7), 0.8f, 0.8f, 500);

    private PartitionedRateLimiter<string> _framework = null!;
    private RiskRateLimiter _risk = null!;

    [GlobalSetup]
    public void Setup()
    {
        _framework = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = int.MaxValue,
            TokensPerPeriod = int.MaxValue,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            AutoReplenishment = false,
        }));

        // Budgets no benchmark run can exhaust, so every call takes the success path, as most requests do.
        var options = new RiskRateLimiterOptions();
        options.Account.Capacity = options.Cluster.Capacity = 1e15;
        options.Account.TokensPerSecond = options.Cluster.TokensPerSecond = 1e15;
        _risk = new RiskRateLimiter(options, new InMemoryTokenBucketStore());
        _framework.AttemptAcquire("acct_benchmark").Dispose();
        _risk.AttemptAcquire(AccountAndCluster).Dispose();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _framework.Dispose();
        _risk.Dispose();
    }

    [Benchmark(Baseline = true)]
    public bool Framework_TokenBucket()
    {
        using var lease = _framework.AttemptAcquire("acct_benchmark");
        return lease.IsAcquired;
    }

    [Benchmark]
    public bool Risk_Account()
    {
        using var lease = _risk.AttemptAcquire(Account);
        return lease.IsAcquired;
    }

    [Benchmark]
    public bool Risk_AccountAndCluster()
    {
        using var lease = _risk.AttemptAcquire(AccountAndCluster);
        return lease.IsAcquired;
    }

    [Benchmark]
    public bool Risk_AccountAndCluster_Risky()
    {
        using var lease = _risk.AttemptAcquire(Risky);
        return lease.IsAcquired;
    }

    [Benchmark]
    public async ValueTask<bool> Risk_AccountAndCluster_Async()
    {
        using var lease = await _risk.AcquireAsync(AccountAndCluster);
        return lease.IsAcquired;
    }

    [Benchmark]
    public void Risk_Settle() => _risk.Settle(AccountAndCluster, 1_200);
}

/// <summary>Token estimates of a prompt before the call: bytes/4 against exact o200k counts.</summary>
[MemoryDiagnoser]
public class TokenEstimatorBenchmarks
{
    private byte[] _prompt = [];

    [Params(1024, 8192)]
    public int PromptBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _prompt = SamplePrompts.OfSize(PromptBytes);
        O200kTokenEstimator.Instance.EstimateTokens(_prompt);
    }

    [Benchmark(Baseline = true)]
    public long Utf8Length() => Utf8LengthTokenEstimator.Instance.EstimateTokens(_prompt);

    [Benchmark]
    public long O200k() => O200kTokenEstimator.Instance.EstimateTokens(_prompt);
}
