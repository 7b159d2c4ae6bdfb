using AntiDistill.RateLimiting;
using Microsoft.Extensions.Time.Testing;

namespace AntiDistill.RateLimiting.Tests;

public class InMemoryTokenBucketStoreTests
{
    private static readonly TokenBucketLimits Limits = new(Capacity: 100, TokensPerSecond: 10, MaxDebt: 50);
    private static readonly TokenBucketKey Key = new(TokenBucketScope.Account, 42);

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void TryTake_NewBucket_StartsFull()
    {
        var store = NewStore();

        Assert.Equal(100, store.GetAvailable(Key, Limits));
        var result = store.TryTake(Key, Limits, 100);

        Assert.True(result.Acquired);
        Assert.Equal(0, result.Remaining, 9);
        Assert.Equal(TimeSpan.Zero, result.RetryAfter);
    }

    [Fact]
    public void TryTake_Empty_RefusedWithTimeToRefillTheShortfall()
    {
        var store = NewStore();
        store.TryTake(Key, Limits, 80);

        var refused = store.TryTake(Key, Limits, 50);

        Assert.False(refused.Acquired);
        Assert.Equal(20, refused.Remaining, 9);
        Assert.Equal(TimeSpan.FromSeconds(3), refused.RetryAfter);
        Assert.Equal(20, store.GetAvailable(Key, Limits), 9);
    }

    [Fact]
    public void TryTake_AfterRetryAfter_Succeeds()
    {
        var store = NewStore();
        store.TryTake(Key, Limits, 97);
        var refused = store.TryTake(Key, Limits, 10);

        _time.Advance(refused.RetryAfter - TimeSpan.FromTicks(1));
        Assert.False(store.TryTake(Key, Limits, 10).Acquired);
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.True(store.TryTake(Key, Limits, 10).Acquired);
    }

    [Fact]
    public void GetAvailable_RefillsLinearlyAndStopsAtCapacity()
    {
        var store = NewStore();
        store.TryTake(Key, Limits, 100);

        _time.Advance(TimeSpan.FromSeconds(2.5));
        Assert.Equal(25, store.GetAvailable(Key, Limits), 9);
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(100, store.GetAvailable(Key, Limits), 9);
    }

    [Fact]
    public void TryTake_LargerThanCapacityOnFullBucket_AdmittedIntoDebt()
    {
        var store = NewStore();

        var result = store.TryTake(Key, Limits, 130);

        Assert.True(result.Acquired);
        Assert.Equal(-30, result.Remaining, 9);
        var next = store.TryTake(Key, Limits, 10);
        Assert.False(next.Acquired);
        Assert.Equal(TimeSpan.FromSeconds(4), next.RetryAfter);
    }

    [Fact]
    public void TryTake_LargerThanCapacityPlusDebt_DebtCappedAtMaxDebt()
    {
        var store = NewStore();

        var result = store.TryTake(Key, Limits, 1_000);

        Assert.True(result.Acquired);
        Assert.Equal(-50, result.Remaining, 9);
    }

    [Fact]
    public void Settle_PositiveBeyondLevel_GoesIntoDebtDelayingTheNextTake()
    {
        var store = NewStore();
        store.TryTake(Key, Limits, 10);

        store.Settle(Key, Limits, 120);

        Assert.Equal(-30, store.GetAvailable(Key, Limits), 9);
        var next = store.TryTake(Key, Limits, 10);
        Assert.False(next.Acquired);
        Assert.Equal(TimeSpan.FromSeconds(4), next.RetryAfter);
    }

    [Fact]
    public void Settle_Negative_RefundsUpToCapacity()
    {
        var store = NewStore();
        store.TryTake(Key, Limits, 60);

        store.Settle(Key, Limits, -20);
        Assert.Equal(60, store.GetAvailable(Key, Limits), 9);
        store.Settle(Key, Limits, -1_000);
        Assert.Equal(100, store.GetAvailable(Key, Limits), 9);
    }

    [Fact]
    public void Settle_HugeCharge_DebtCappedAtMaxDebt()
    {
        var store = NewStore();

        store.Settle(Key, Limits, 1e12);

        Assert.Equal(-50, store.GetAvailable(Key, Limits), 9);
    }

    [Fact]
    public void Settle_RefundToUnknownBucket_AddsNoBucket()
    {
        var store = NewStore();

        store.Settle(Key, Limits, -10);

        Assert.Equal(0, store.Count);
    }

    [Fact]
    public void GetAvailable_UnknownBucket_CapacityAndAddsNoBucket()
    {
        var store = NewStore();

        Assert.Equal(100, store.GetAvailable(Key, Limits));
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public void TryTake_SameIdDifferentScope_SeparateBuckets()
    {
        var store = NewStore();
        var cluster = new TokenBucketKey(TokenBucketScope.Cluster, 42);

        store.TryTake(Key, Limits, 100);

        Assert.Equal(100, store.GetAvailable(cluster, Limits));
        Assert.True(store.TryTake(cluster, Limits, 100).Acquired);
    }

    [Fact]
    public void TryTake_ClockSteppingBack_RefillsNothingAndNeverOverfills()
    {
        var store = new InMemoryTokenBucketStore(new InMemoryTokenBucketStoreOptions(), new SteppingBackTimeProvider());

        store.TryTake(Key, Limits, 40);
        store.TryTake(Key, Limits, 0);

        Assert.Equal(60, store.GetAvailable(Key, Limits), 9);
    }

    [Fact]
    public void TryTake_TenMillionRotatedKeys_CountStaysAtCap()
    {
        var store = new InMemoryTokenBucketStore(new InMemoryTokenBucketStoreOptions { MaxBuckets = 1_000, Shards = 8 }, _time);

        for (ulong id = 1; id <= 10_000_000; id++)
        {
            store.TryTake(new TokenBucketKey(TokenBucketScope.Account, id), Limits, 1);
            if (id % 100_000 == 0)
            {
                Assert.True(store.Count <= 1_000);
            }
        }

        Assert.Equal(1_000, store.Count);
    }

    [Fact]
    public void TryTake_FullShard_ForgetsRefilledBucketsBeforeBucketsInDebt()
    {
        var store = new InMemoryTokenBucketStore(new InMemoryTokenBucketStoreOptions { MaxBuckets = 4, Shards = 1 }, _time);
        var debtor = new TokenBucketKey(TokenBucketScope.Account, 1);
        store.TryTake(debtor, Limits, 100);
        store.Settle(debtor, Limits, 50);
        for (ulong id = 2; id <= 4; id++)
        {
            store.TryTake(new TokenBucketKey(TokenBucketScope.Account, id), Limits, 1);
        }

        // One second on, the light buckets are full again (a forgotten full bucket comes back identical) and the debtor
        // is not. Plain CLOCK would evict the debtor first (all were referenced, it sits under the hand).
        _time.Advance(TimeSpan.FromSeconds(1));
        for (ulong id = 100; id < 103; id++)
        {
            store.TryTake(new TokenBucketKey(TokenBucketScope.Account, id), Limits, 1);
        }

        Assert.Equal(4, store.Count);
        Assert.Equal(-40, store.GetAvailable(debtor, Limits), 9);
    }

    [Fact]
    public void TryTake_ConcurrentThreadsOnOneBucket_GrantExactlyCapacity()
    {
        var store = NewStore();
        var limits = new TokenBucketLimits(Capacity: 10_000, TokensPerSecond: 1, MaxDebt: 0);
        int granted = 0;

        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            for (int i = 0; i < 5_000; i++)
            {
                if (store.TryTake(Key, limits, 1).Acquired)
                {
                    Interlocked.Increment(ref granted);
                }
            }
        });

        Assert.Equal(10_000, granted);
    }

    [Fact]
    public void TryTake_ConcurrentThreadsOnManyKeys_EachKeyGrantedItsCapacity()
    {
        var store = new InMemoryTokenBucketStore(new InMemoryTokenBucketStoreOptions { MaxBuckets = 1_000, Shards = 4 }, _time);
        var limits = new TokenBucketLimits(Capacity: 50, TokensPerSecond: 1, MaxDebt: 0);
        var granted = new int[100];

        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, thread =>
        {
            for (int i = 0; i < 10_000; i++)
            {
                int id = (i * 7 + thread) % 100;
                if (store.TryTake(new TokenBucketKey(TokenBucketScope.Account, (ulong)id + 1), limits, 1).Acquired)
                {
                    Interlocked.Increment(ref granted[id]);
                }
            }
        });

        Assert.All(granted, count => Assert.Equal(50, count));
    }

    [Fact]
    public async Task TryTakeAsync_CanceledToken_Canceled()
    {
        var store = NewStore();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.TryTakeAsync(Key, Limits, 1, new CancellationToken(true)));
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task TryTakeAsync_SameArithmeticAsSync()
    {
        var store = NewStore();

        var first = await store.TryTakeAsync(Key, Limits, 90);
        await store.SettleAsync(Key, Limits, 30);
        var second = await store.TryTakeAsync(Key, Limits, 1);

        Assert.True(first.Acquired);
        Assert.False(second.Acquired);
        Assert.Equal(-20, second.Remaining, 9);
        Assert.Equal(TimeSpan.FromSeconds(2.1), second.RetryAfter);
    }

    private InMemoryTokenBucketStore NewStore() => new(new InMemoryTokenBucketStoreOptions(), _time);

    private sealed class SteppingBackTimeProvider : TimeProvider
    {
        private long _now = 1_000_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _now -= TimeSpan.TicksPerSecond;
    }
}
