using AntiDistill.RateLimiting;
using AntiDistill.Redis.Tests.Infrastructure;
using StackExchange.Redis;

namespace AntiDistill.Redis.Tests.RateLimiting;

[Collection(RedisTests.Name)]
public class RedisTokenBucketStoreTests(SharedRedis redis)
{
    private static readonly TokenBucketLimits Slow = new(Capacity: 10, TokensPerSecond: 0.001, MaxDebt: 5);

    [RedisFact]
    public async Task TryTakeAsync_EmptyBucket_RefusedWithRetryAfterFromRate()
    {
        await using var node = new TestNode(redis.Server.ConnectionString, TestNode.NewPrefix());
        var key = TokenBucketKey.ForAccount(node.Account(1));

        var first = await node.Buckets.TryTakeAsync(key, Slow, 10);
        var second = await node.Buckets.TryTakeAsync(key, Slow, 1);

        Assert.True(first.Acquired);
        Assert.False(second.Acquired);
        Assert.InRange(second.RetryAfter.TotalSeconds, 990, 1000); // one token at 0.001/s, minus what refilled meanwhile
    }

    [RedisFact]
    public async Task TryTake_BucketEmptiedTwoSecondsAgoByServerClock_RefilledTwoSecondsWorth()
    {
        await using var node = new TestNode(redis.Server.ConnectionString, TestNode.NewPrefix());
        var key = TokenBucketKey.ForAccount(node.Account(2));
        var limits = new TokenBucketLimits(100, 10, 0);
        await node.ConnectedAsync();
        using var mux = await ConnectionMultiplexer.ConnectAsync(redis.Server.ConnectionString);
        var db = mux.GetDatabase();
        long serverUs = await ServerMicrosecondsAsync(db);

        // Stamp the bucket empty two seconds ago on the server's clock: the refill must come from that clock alone.
        await db.HashSetAsync(RedisKeyOf(node, key), [new HashEntry("l", "0"), new HashEntry("t", serverUs - 2_000_000)]);
        double available = node.Buckets.GetAvailable(key, limits);
        double elapsed = (await ServerMicrosecondsAsync(db) - serverUs) / 1e6;

        // Two seconds' worth plus whatever the server clock moved while the test ran (a loaded CI box can take
        // hundreds of milliseconds here); a node clock or a missing refill would land far outside this range.
        Assert.InRange(available, 20, 20 + (10 * elapsed) + 0.5);
    }

    [RedisFact]
    public async Task TryTakeAsync_ManyConcurrentCallersOnTwoNodes_ExactlyCapacityAcquired()
    {
        string prefix = TestNode.NewPrefix();
        await using var a = new TestNode(redis.Server.ConnectionString, prefix);
        await using var b = new TestNode(redis.Server.ConnectionString, prefix);
        var key = TokenBucketKey.ForAccount(a.Account(3));
        var limits = new TokenBucketLimits(50, 1e-6, 0);
        await a.ConnectedAsync();
        await b.ConnectedAsync();

        var calls = Enumerable.Range(0, 200).Select(i => (i % 2 == 0 ? a : b).Buckets.TryTakeAsync(key, limits, 1).AsTask());
        var results = await Task.WhenAll(calls);

        Assert.Equal(50, results.Count(r => r.Acquired));
    }

    [RedisFact]
    public async Task TryTake_SameAccountOnOneNodeOrAlternatingTwo_SameNumberAcquired()
    {
        string prefix = TestNode.NewPrefix();
        await using var a = new TestNode(redis.Server.ConnectionString, prefix);
        await using var b = new TestNode(redis.Server.ConnectionString, prefix);
        await a.ConnectedAsync();
        await b.ConnectedAsync();
        var limits = new TokenBucketLimits(20, 1e-6, 0);
        var one = TokenBucketKey.ForAccount(a.Account(4));
        var two = TokenBucketKey.ForAccount(a.Account(5));

        int onOne = Enumerable.Range(0, 60).Count(_ => a.Buckets.TryTake(one, limits, 1).Acquired);
        int onTwo = Enumerable.Range(0, 60).Count(i => (i % 2 == 0 ? a : b).Buckets.TryTake(two, limits, 1).Acquired);

        Assert.Equal(20, onOne);
        Assert.Equal(onOne, onTwo);
    }

    [RedisFact]
    public async Task Settle_ChargeThenRefund_DebtBoundedAndFullBucketDeleted()
    {
        await using var node = await new TestNode(redis.Server.ConnectionString, TestNode.NewPrefix()).ConnectedAsync();
        var key = TokenBucketKey.ForAccount(node.Account(6));
        using var mux = await ConnectionMultiplexer.ConnectAsync(redis.Server.ConnectionString);
        var db = mux.GetDatabase();

        // Settles are sent, not awaited; this node's next call to the bucket is answered after them (one connection,
        // answered in order), which is also when another client can see them.
        await node.Buckets.SettleAsync(key, Slow, 100);
        double inDebt = node.Buckets.GetAvailable(key, Slow);
        var ttl = await db.KeyTimeToLiveAsync(RedisKeyOf(node, key));
        node.Buckets.Settle(key, Slow, -1000);
        double full = node.Buckets.GetAvailable(key, Slow);

        Assert.InRange(inDebt, -5, -4.99);
        Assert.NotNull(ttl);
        Assert.Equal(10, full, 6);
        Assert.False(await db.KeyExistsAsync(RedisKeyOf(node, key)));
    }

    [RedisFact]
    public async Task TryTake_RedisKilled_FailOpenServesLocallyAndFailClosedRefuses()
    {
        using var server = new RedisServer();
        string prefix = TestNode.NewPrefix();
        await using var open = new TestNode(server.ConnectionString, prefix);
        await using var closed = new TestNode(server.ConnectionString, prefix, o => o.FailureMode = RedisFailureMode.FailClosed);
        var limits = new TokenBucketLimits(5, 1e-6, 0);
        var key = TokenBucketKey.ForAccount(open.Account(7));
        Assert.True((await open.Buckets.TryTakeAsync(key, limits, 1)).Acquired); // connected, shared

        server.Kill();
        var whileDown = new List<TokenBucketResult>();
        for (int i = 0; i < 10; i++)
        {
            whileDown.Add(await open.Buckets.TryTakeAsync(key, limits, 1));
        }

        var refused = await closed.Buckets.TryTakeAsync(key, limits, 1);

        Assert.Equal(5, whileDown.Count(r => r.Acquired)); // the local bucket: full capacity, then its own limit
        Assert.False(refused.Acquired);
        Assert.True(refused.RetryAfter > TimeSpan.Zero);

        server.Start(); // empty: the shared bucket starts full again
        bool shared = false;
        for (int attempt = 0; attempt < 100 && !shared; attempt++)
        {
            await Task.Delay(50);
            var peek = (await closed.Buckets.TryTakeAsync(TokenBucketKey.ForAccount(open.Account(8)), limits, 1)).Acquired;
            shared = peek && await KeyExists(server, RedisKeyOf(open, TokenBucketKey.ForAccount(open.Account(8))));
        }

        Assert.True(shared, "the store did not go back to Redis after it restarted");
    }

    private static async Task<bool> KeyExists(RedisServer server, RedisKey key)
    {
        using var mux = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        return await mux.GetDatabase().KeyExistsAsync(key);
    }

    private static RedisKey RedisKeyOf(TestNode node, TokenBucketKey key) =>
        ((AntiDistill.Redis.RateLimiting.RedisTokenBucketStore)node.Buckets).RedisKey(key);

    private static async Task<long> ServerMicrosecondsAsync(IDatabase db)
    {
        var time = (RedisResult[])(await db.ExecuteAsync("TIME"))!;
        return ((long)time[0] * 1_000_000) + (long)time[1];
    }
}
