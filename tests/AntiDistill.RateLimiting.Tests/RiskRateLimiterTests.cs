using System.Threading.RateLimiting;
using AntiDistill.RateLimiting;
using Microsoft.Extensions.Time.Testing;

namespace AntiDistill.RateLimiting.Tests;

public class RiskRateLimiterTests
{
    private static readonly AccountId Alice = new(0xA11CE);
    private static readonly AccountId Bob = new(0xB0B);

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void AttemptAcquire_WithinBudget_AcquiredWithoutMetadata()
    {
        using var limiter = NewLimiter();

        using var lease = limiter.AttemptAcquire(Key(Alice, tokens: 400));

        Assert.True(lease.IsAcquired);
        Assert.Empty(lease.MetadataNames);
        Assert.False(lease.TryGetMetadata(MetadataName.RetryAfter, out _));
    }

    [Fact]
    public void AttemptAcquire_AccountBudgetSpent_RejectedWithRetryAfterAndScope()
    {
        using var limiter = NewLimiter();
        Assert.True(limiter.AttemptAcquire(Key(Alice, tokens: 900)).IsAcquired);

        using var lease = limiter.AttemptAcquire(Key(Alice, tokens: 300));

        Assert.False(lease.IsAcquired);
        Assert.True(lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(2), retryAfter);
        Assert.True(lease.TryGetMetadata(RiskRateLimiterMetadata.RejectedBy, out var scope));
        Assert.Equal(TokenBucketScope.Account, scope);
        Assert.True(lease.TryGetMetadata(MetadataName.ReasonPhrase, out var reason));
        Assert.Contains("account", reason, StringComparison.Ordinal);
        Assert.Equal(3, lease.MetadataNames.Count());
    }

    [Fact]
    public void AttemptAcquire_AfterRetryAfter_Acquired()
    {
        using var limiter = NewLimiter();
        limiter.AttemptAcquire(Key(Alice, tokens: 1_000));
        using var refused = limiter.AttemptAcquire(Key(Alice, tokens: 250));
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));

        _time.Advance(retryAfter);

        Assert.True(limiter.AttemptAcquire(Key(Alice, tokens: 250)).IsAcquired);
    }

    [Fact]
    public void AttemptAcquire_OtherAccount_HasItsOwnBudget()
    {
        using var limiter = NewLimiter();
        limiter.AttemptAcquire(Key(Alice, tokens: 1_000));

        Assert.False(limiter.AttemptAcquire(Key(Alice, tokens: 10)).IsAcquired);
        Assert.True(limiter.AttemptAcquire(Key(Bob, tokens: 1_000)).IsAcquired);
    }

    [Fact]
    public void AttemptAcquire_PermitCount_MultipliesTheEstimate()
    {
        using var limiter = NewLimiter();

        Assert.True(limiter.AttemptAcquire(Key(Alice, tokens: 300), permitCount: 3).IsAcquired);
        Assert.False(limiter.AttemptAcquire(Key(Alice, tokens: 300), permitCount: 1).IsAcquired);
        Assert.True(limiter.AttemptAcquire(Key(Alice, tokens: 0), permitCount: 100).IsAcquired);
    }

    [Fact]
    public void AttemptAcquire_NegativePermitCount_Throws()
    {
        using var limiter = NewLimiter();

        Assert.Throws<ArgumentOutOfRangeException>(() => limiter.AttemptAcquire(Key(Alice, tokens: 1), -1));
    }

    [Fact]
    public void AttemptAcquire_ZeroPermits_ProbesWithoutTaking()
    {
        using var limiter = NewLimiter();

        Assert.True(limiter.AttemptAcquire(Key(Alice, tokens: 500), 0).IsAcquired);
        Assert.Equal(1_000, limiter.GetStatistics(Key(Alice, tokens: 0))!.CurrentAvailablePermits);
        limiter.AttemptAcquire(Key(Alice, tokens: 1_000));
        using var probe = limiter.AttemptAcquire(Key(Alice, tokens: 500), 0);
        Assert.False(probe.IsAcquired);
        Assert.True(probe.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(0.01), retryAfter);
    }

    [Fact]
    public void Settle_MoreThanEstimated_DebtDelaysNextRequest()
    {
        using var limiter = NewLimiter();
        var key = Key(Alice, tokens: 100);
        Assert.True(limiter.AttemptAcquire(key).IsAcquired);

        // A big completion: 100 estimated, 1,500 used. The bucket goes 500 into debt.
        limiter.Settle(key, 1_500);

        using var next = limiter.AttemptAcquire(Key(Alice, tokens: 100));
        Assert.False(next.IsAcquired);
        Assert.True(next.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(6), retryAfter);
        Assert.Equal(-5, limiter.GetStatistics(Key(Alice, tokens: 100))!.CurrentAvailablePermits);
    }

    [Fact]
    public void Settle_LessThanEstimated_Refunds()
    {
        using var limiter = NewLimiter();
        var key = Key(Alice, tokens: 800);
        limiter.AttemptAcquire(key);
        Assert.False(limiter.AttemptAcquire(Key(Alice, tokens: 500)).IsAcquired);

        limiter.Settle(key, 200);

        Assert.True(limiter.AttemptAcquire(Key(Alice, tokens: 500)).IsAcquired);
    }

    [Fact]
    public async Task SettleAsync_SameAsSettle()
    {
        using var limiter = NewLimiter();
        var key = Key(Alice, tokens: 100);
        await limiter.AcquireAsync(key);

        await limiter.SettleAsync(key, 1_100);

        Assert.Equal(-100, limiter.GetStatistics(Key(Alice, tokens: 0))!.CurrentAvailablePermits);
    }

    [Fact]
    public void Settle_NegativeUsage_CountsAsZero()
    {
        using var limiter = NewLimiter();
        var key = Key(Alice, tokens: 1_000);
        limiter.AttemptAcquire(key);

        limiter.Settle(key, -5_000);

        Assert.Equal(1_000, limiter.GetStatistics(Key(Alice, tokens: 0))!.CurrentAvailablePermits);
    }

    [Theory]
    [InlineData(0.0f, 1_000)]
    [InlineData(0.5f, 1_000)]
    [InlineData(0.75f, 100)]
    [InlineData(1.0f, 10)]
    [InlineData(float.NaN, 1_000)]
    public void AttemptAcquire_RiskRises_BudgetShrinksByTheCurve(float risk, long expectedBudget)
    {
        // StartRisk 0.5 and MinimumMultiplier 0.01: m(0.75) = 0.1, m(1) = 0.01.
        using var limiter = NewLimiter(o => o.Tightening.MinimumMultiplier = 0.01);
        var key = Key(Alice, tokens: 1, risk: risk);

        long granted = 0;
        for (int i = 0; i < 2_000 && limiter.AttemptAcquire(key).IsAcquired; i++)
        {
            granted++;
        }

        Assert.InRange(granted, expectedBudget - 1, expectedBudget);
    }

    [Fact]
    public void AttemptAcquire_RiskRises_RefillSlowsToo()
    {
        using var limiter = NewLimiter(o => o.Tightening.MinimumMultiplier = 0.01);
        var risky = Key(Alice, tokens: 50, risk: 1f);
        limiter.AttemptAcquire(risky);

        using var refused = limiter.AttemptAcquire(risky);

        // 50 real tokens weigh 5,000: the full 1,000-token bucket admitted the first and fell to its debt cap (-1,000);
        // the next is admitted when the bucket is full again, 2,000 tokens later at 100 tokens/s.
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(20), retryAfter);
    }

    [Fact]
    public void AttemptAcquire_HydraOfThousandAccounts_SharesOneClusterBudget()
    {
        using var limiter = NewLimiter();
        var cluster = new ClusterId(7);
        int granted = 0;
        int rejectedByCluster = 0;

        // 1,000 light accounts, each far under its own 1,000-token budget, 50 tokens a request.
        for (int round = 0; round < 3; round++)
        {
            for (ulong account = 1; account <= 1_000; account++)
            {
                using var lease = limiter.AttemptAcquire(new RiskPartitionKey(new AccountId(account), cluster, 0.2f, 0.2f, 50));
                if (lease.IsAcquired)
                {
                    granted++;
                }
                else if (lease.TryGetMetadata(RiskRateLimiterMetadata.RejectedBy, out var scope) && scope == TokenBucketScope.Cluster)
                {
                    rejectedByCluster++;
                }
            }
        }

        Assert.Equal(10_000 / 50, granted);
        Assert.Equal(3_000 - 200, rejectedByCluster);
    }

    [Fact]
    public void AttemptAcquire_ClusterRejects_AccountChargeRefunded()
    {
        using var limiter = NewLimiter();
        var cluster = new ClusterId(3);
        limiter.AttemptAcquire(new RiskPartitionKey(Bob, cluster, 0, 0, 10_000));

        using var lease = limiter.AttemptAcquire(new RiskPartitionKey(Alice, cluster, 0, 0, 600));

        Assert.False(lease.IsAcquired);
        Assert.True(lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(6), retryAfter);
        Assert.Equal(1_000, limiter.GetStatistics(Key(Alice, tokens: 0))!.CurrentAvailablePermits);
    }

    [Fact]
    public void AttemptAcquire_ClusterRisk_TightensClusterBudgetOnly()
    {
        using var limiter = NewLimiter(o => o.Tightening.MinimumMultiplier = 0.01);
        var cluster = new ClusterId(9);

        // Cluster risk 1 makes the 10,000-token cluster budget worth 100 real tokens; the account's own risk is low.
        Assert.True(limiter.AttemptAcquire(new RiskPartitionKey(Alice, cluster, 0.1f, 1f, 100)).IsAcquired);
        Assert.False(limiter.AttemptAcquire(new RiskPartitionKey(Bob, cluster, 0.1f, 1f, 1)).IsAcquired);
        Assert.True(limiter.AttemptAcquire(new RiskPartitionKey(Bob, ClusterId.None, 0.1f, 1f, 1)).IsAcquired);
    }

    [Fact]
    public async Task AcquireAsync_SameDecisionsAsAttemptAcquire()
    {
        using var limiter = NewLimiter();
        var cluster = new ClusterId(5);

        using var first = await limiter.AcquireAsync(new RiskPartitionKey(Alice, cluster, 0, 0, 900));
        using var second = await limiter.AcquireAsync(new RiskPartitionKey(Alice, cluster, 0, 0, 300));
        using var third = await limiter.AcquireAsync(new RiskPartitionKey(Bob, cluster, 0, 0, 9_500));

        Assert.True(first.IsAcquired);
        Assert.False(second.IsAcquired);
        Assert.False(third.IsAcquired);
        Assert.True(third.TryGetMetadata(RiskRateLimiterMetadata.RejectedBy, out var scope));
        Assert.Equal(TokenBucketScope.Cluster, scope);
        Assert.Equal(1_000, limiter.GetStatistics(Key(Bob, tokens: 0))!.CurrentAvailablePermits);
    }

    [Fact]
    public async Task AcquireAsync_CanceledToken_Throws()
    {
        using var limiter = NewLimiter();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await limiter.AcquireAsync(Key(Alice, 1), 1, new CancellationToken(true)));
    }

    [Fact]
    public void GetStatistics_CountsSuccessesAndFailures()
    {
        using var limiter = NewLimiter();
        limiter.AttemptAcquire(Key(Alice, tokens: 600));
        limiter.AttemptAcquire(Key(Alice, tokens: 600));
        limiter.AttemptAcquire(Key(Bob, tokens: 100));

        var stats = limiter.GetStatistics(Key(Alice, tokens: 100))!;

        Assert.Equal(2, stats.TotalSuccessfulLeases);
        Assert.Equal(1, stats.TotalFailedLeases);
        Assert.Equal(4, stats.CurrentAvailablePermits);
        Assert.Equal(0, stats.CurrentQueuedCount);
    }

    [Fact]
    public async Task Dispose_ThenAcquire_ThrowsObjectDisposed()
    {
        var limiter = NewLimiter();
        var lease = limiter.AttemptAcquire(Key(Alice, 1));

        limiter.Dispose();
        limiter.Dispose();
        lease.Dispose();

        Assert.Throws<ObjectDisposedException>(() => limiter.AttemptAcquire(Key(Alice, 1)));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await limiter.AcquireAsync(Key(Alice, 1)));
        Assert.Throws<ObjectDisposedException>(() => limiter.Settle(Key(Alice, 1), 5));
        Assert.Throws<ObjectDisposedException>(() => limiter.GetStatistics(Key(Alice, 1)));
    }

    [Fact]
    public async Task DisposeAsync_ThenAcquire_ThrowsObjectDisposed()
    {
        var limiter = NewLimiter();

        await limiter.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => limiter.AttemptAcquire(Key(Alice, 1)));
    }

    [Fact]
    public void AttemptAcquire_StoreThrowsAndFailOpen_AcquiredAndNothingEscapes()
    {
        using var limiter = new RiskRateLimiter(Options(), new ThrowingStore());

        using var lease = limiter.AttemptAcquire(Key(Alice, 10));
        limiter.Settle(Key(Alice, 10), 100);

        Assert.True(lease.IsAcquired);
        Assert.Null(limiter.GetStatistics(Key(Alice, 10)));
    }

    [Fact]
    public async Task AcquireAsync_StoreThrowsAndFailClosed_RejectedWithReasonNoRetryAfter()
    {
        var options = Options();
        options.FailOpen = false;
        using var limiter = new RiskRateLimiter(options, new ThrowingStore());

        using var lease = await limiter.AcquireAsync(Key(Alice, 10));

        Assert.False(lease.IsAcquired);
        Assert.False(lease.TryGetMetadata(MetadataName.RetryAfter, out _));
        Assert.True(lease.TryGetMetadata(MetadataName.ReasonPhrase, out var reason));
        Assert.Contains("unavailable", reason, StringComparison.Ordinal);
        Assert.Equal([MetadataName.ReasonPhrase.Name], lease.MetadataNames);
    }

    [Fact]
    public void From_Assessment_CarriesAccountClusterRiskAndEstimate()
    {
        var content = new AntiDistill.Requests.RequestContent();
        content.AppendPrompt("12345678"u8);
        content.AppendSystemPrompt("abcd"u8);

        var key = RiskPartitionKey.From(default(Assessment), content, Utf8LengthTokenEstimator.Instance);

        Assert.Equal(3, key.EstimatedTokens);
        Assert.Equal(default, key.Account);
        Assert.Equal(ClusterId.None, key.Cluster);
        Assert.Equal(1, Key(Alice, 0).TokensPerPermit);
    }

    [Fact]
    public void Configure_ReloadedOptions_ApplyToTheNextRequest()
    {
        using var limiter = NewLimiter();
        limiter.AttemptAcquire(Key(Alice, tokens: 1_000));
        Assert.Equal(TimeSpan.FromSeconds(1), RetryAfter(limiter.AttemptAcquire(Key(Alice, tokens: 100))));

        var reloaded = Options();
        reloaded.Account.TokensPerSecond = 1_000;
        limiter.Configure(reloaded);

        Assert.Equal(TimeSpan.FromSeconds(0.1), RetryAfter(limiter.AttemptAcquire(Key(Alice, tokens: 100))));
    }

    internal static RiskRateLimiterOptions Options()
    {
        var options = new RiskRateLimiterOptions();
        options.Account.Capacity = 1_000;
        options.Account.TokensPerSecond = 100;
        options.Cluster.Capacity = 10_000;
        options.Cluster.TokensPerSecond = 100;
        return options;
    }

    private static TimeSpan RetryAfter(RateLimitLease lease)
    {
        using (lease)
        {
            Assert.False(lease.IsAcquired);
            Assert.True(lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
            return retryAfter;
        }
    }

    private static RiskPartitionKey Key(AccountId account, long tokens, float risk = 0) => new(account, ClusterId.None, risk, 0, tokens);

    private RiskRateLimiter NewLimiter(Action<RiskRateLimiterOptions>? configure = null)
    {
        var options = Options();
        configure?.Invoke(options);
        return new RiskRateLimiter(options, new InMemoryTokenBucketStore(new InMemoryTokenBucketStoreOptions(), _time));
    }

    private sealed class ThrowingStore : ITokenBucketStore
    {
        public TokenBucketResult TryTake(TokenBucketKey key, TokenBucketLimits limits, double tokens) => throw new InvalidOperationException("store down");

        public ValueTask<TokenBucketResult> TryTakeAsync(TokenBucketKey key, TokenBucketLimits limits, double tokens, CancellationToken cancellationToken = default)
            => ValueTask.FromException<TokenBucketResult>(new InvalidOperationException("store down"));

        public void Settle(TokenBucketKey key, TokenBucketLimits limits, double tokens) => throw new InvalidOperationException("store down");

        public ValueTask SettleAsync(TokenBucketKey key, TokenBucketLimits limits, double tokens, CancellationToken cancellationToken = default)
            => ValueTask.FromException(new InvalidOperationException("store down"));

        public double GetAvailable(TokenBucketKey key, TokenBucketLimits limits) => throw new InvalidOperationException("store down");
    }
}
