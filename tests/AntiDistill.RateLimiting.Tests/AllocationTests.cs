using AntiDistill.RateLimiting;
using Microsoft.Extensions.Time.Testing;

namespace AntiDistill.RateLimiting.Tests;

/// <summary>The request path allocates nothing in steady state (counted on this thread, not timed).</summary>
public class AllocationTests
{
    [AllocationFact]
    public void TryTake_RotatedKeysAtCap_AllocatesNothing()
    {
        var time = new FakeTimeProvider();
        var store = new InMemoryTokenBucketStore(new InMemoryTokenBucketStoreOptions { MaxBuckets = 256, Shards = 4 }, time);
        var limits = new TokenBucketLimits(100, 10, 100);
        for (ulong id = 1; id <= 10_000; id++)
        {
            store.TryTake(new TokenBucketKey(TokenBucketScope.Account, id), limits, 1);
        }

        ulong next = 10_001;
        long allocated = AllocationCounter.Least(() =>
        {
            for (ulong end = next + 10_000; next < end; next++)
            {
                store.TryTake(new TokenBucketKey(TokenBucketScope.Account, next), limits, 1);
                store.Settle(new TokenBucketKey(TokenBucketScope.Account, next), limits, 5);
            }
        });

        Assert.Equal(0, allocated);
    }

    [AllocationFact]
    public async Task AttemptAcquireAndAcquireAsync_ExistingKeys_AllocateNothing()
    {
        var options = RiskRateLimiterTests.Options();
        options.Account.Capacity = options.Cluster.Capacity = 1e12;
        using var limiter = new RiskRateLimiter(options, new InMemoryTokenBucketStore(new InMemoryTokenBucketStoreOptions(), new FakeTimeProvider()));
        var key = new RiskPartitionKey(new AccountId(5), new ClusterId(2), 0.9f, 0.9f, 300);
        limiter.AttemptAcquire(key).Dispose();
        (await limiter.AcquireAsync(key)).Dispose();
        limiter.Settle(key, 400);

        long allocated = await AllocationCounter.LeastAsync(async () =>
        {
            for (int i = 0; i < 1_000; i++)
            {
                limiter.AttemptAcquire(key).Dispose();
                // Completes synchronously on the in-memory store, so awaiting it allocates no state machine box either.
                (await limiter.AcquireAsync(key)).Dispose();
                limiter.Settle(key, 400);
            }
        });

        Assert.Equal(0, allocated);
    }
}
