using System.Threading.RateLimiting;
using AntiDistill.RateLimiting;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.RateLimiting;

namespace AntiDistill.RateLimiting.Tests;

/// <summary>The limiter used through the framework's own composition APIs, as ASP.NET Core, Polly and YARP consume it.</summary>
public class RiskRateLimiterConsumerTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void ForPartition_AsRateLimiter_ChargesTheSameBuckets()
    {
        using var limiter = NewLimiter();
        var key = new RiskPartitionKey(new AccountId(1), ClusterId.None, 0, 0, 600);
        using RateLimiter partition = limiter.ForPartition(key);

        using var first = partition.AttemptAcquire();
        using var second = partition.AttemptAcquire();

        Assert.True(first.IsAcquired);
        Assert.False(second.IsAcquired);
        Assert.Equal(0, partition.GetStatistics()!.CurrentAvailablePermits);
        Assert.Equal(TimeSpan.MaxValue, partition.IdleDuration);
    }

    [Fact]
    public async Task ForPartition_Disposed_ThrowsButParentStaysOpen()
    {
        using var limiter = NewLimiter();
        var key = new RiskPartitionKey(new AccountId(1), ClusterId.None, 0, 0, 1);
        var partition = limiter.ForPartition(key);

        partition.Dispose();

        Assert.Throws<ObjectDisposedException>(() => partition.AttemptAcquire());
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await partition.AcquireAsync());
        Assert.True(limiter.AttemptAcquire(key).IsAcquired);
    }

    [Fact]
    public async Task RateLimitPartitionGet_OverForPartition_LimitsPerAccountName()
    {
        using var risk = NewLimiter();
        using var partitioned = PartitionedRateLimiter.Create<string, RiskPartitionKey>(account => RateLimitPartition.Get(
            new RiskPartitionKey(new AccountId((ulong)account.Length), ClusterId.None, 0, 0, 400),
            risk.ForPartition));

        Assert.True(partitioned.AttemptAcquire("aa").IsAcquired);
        Assert.True((await partitioned.AcquireAsync("aa")).IsAcquired);
        using var third = partitioned.AttemptAcquire("aa");
        Assert.False(third.IsAcquired);
        Assert.True(third.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(2), retryAfter);
        Assert.True(partitioned.AttemptAcquire("bbb").IsAcquired);
    }

    [Fact]
    public void WithTranslatedKey_RequestToKey_KeepsLeaseMetadataAndLeavesInnerOpen()
    {
        var risk = NewLimiter();
        var translated = risk.WithTranslatedKey<(ulong Account, int Tokens)>(
            request => new RiskPartitionKey(new AccountId(request.Account), new ClusterId(1), 0, 0, request.Tokens),
            leaveOpen: true);

        Assert.True(translated.AttemptAcquire((1, 9_000)).IsAcquired);
        using var refused = translated.AttemptAcquire((2, 2_000));
        translated.Dispose();

        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(RiskRateLimiterMetadata.RejectedBy, out var scope));
        Assert.Equal(TokenBucketScope.Cluster, scope);
        Assert.True(risk.AttemptAcquire(new RiskPartitionKey(new AccountId(3), ClusterId.None, 0, 0, 1)).IsAcquired);
        risk.Dispose();
    }

    [Fact]
    public void CreateChained_WithConcurrencyLimiter_BothMustAdmit()
    {
        using var risk = NewLimiter();
        using var concurrency = PartitionedRateLimiter.Create<ulong, int>(_ => RateLimitPartition.GetConcurrencyLimiter(0, _ => new ConcurrencyLimiterOptions { PermitLimit = 1, QueueLimit = 0 }));
        using var chained = PartitionedRateLimiter.CreateChained(
            concurrency,
            risk.WithTranslatedKey<ulong>(account => new RiskPartitionKey(new AccountId(account), ClusterId.None, 0, 0, 100), leaveOpen: true));

        using var first = chained.AttemptAcquire(1UL);
        using var second = chained.AttemptAcquire(2UL);

        Assert.True(first.IsAcquired);
        Assert.False(second.IsAcquired);
    }

    [Fact]
    public async Task PollyRateLimiterStrategy_OverForPartition_RejectsWithTheLimitersRetryAfter()
    {
        using var risk = NewLimiter();
        using var partition = risk.ForPartition(new RiskPartitionKey(new AccountId(7), ClusterId.None, 0, 0, 400));
        var pipeline = new ResiliencePipelineBuilder().AddRateLimiter(partition).Build();
        int calls = 0;

        await pipeline.ExecuteAsync(_ => { calls++; return ValueTask.CompletedTask; });
        await pipeline.ExecuteAsync(_ => { calls++; return ValueTask.CompletedTask; });
        var rejected = await Assert.ThrowsAsync<RateLimiterRejectedException>(
            async () => await pipeline.ExecuteAsync(_ => { calls++; return ValueTask.CompletedTask; }));

        Assert.Equal(2, calls);
        Assert.Equal(TimeSpan.FromSeconds(2), rejected.RetryAfter);
    }

    private RiskRateLimiter NewLimiter()
        => new(RiskRateLimiterTests.Options(), new InMemoryTokenBucketStore(new InMemoryTokenBucketStoreOptions(), _time));
}
