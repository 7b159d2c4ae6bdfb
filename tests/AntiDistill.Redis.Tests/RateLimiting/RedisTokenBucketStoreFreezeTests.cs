using System.Diagnostics;
using AntiDistill.RateLimiting;
using AntiDistill.Redis.Internal;
using AntiDistill.Redis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AntiDistill.Redis.Tests.RateLimiting;

/// <summary>
/// The store's calls against a real redis-server that is frozen (SIGSTOP), on a server of its own so that no other
/// test meets the freeze: the first call waits one timeout, and the calls after it (a cluster take, a refund, a
/// settle), which would queue behind it on the same connection, fall back at once.
/// </summary>
public class RedisTokenBucketStoreFreezeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(150);
    private static readonly TokenBucketLimits Limits = new(Capacity: 1e6, TokensPerSecond: 0.001, MaxDebt: 0);

    [RedisFact]
    public async Task TryTakeAsync_CallsAfterOneTimedOutOnFrozenRedis_FallBackWithoutWaiting()
    {
        using var server = new RedisServer();
        await using var node = await new TestNode(server.ConnectionString, TestNode.NewPrefix(), o => o.OperationTimeout = Timeout).ConnectedAsync();
        var account = TokenBucketKey.ForAccount(node.Account(1));
        var cluster = TokenBucketKey.ForCluster(new ClusterId(7));
        await using var stalls = new StallMeter();
        Assert.True((await node.Buckets.TryTakeAsync(account, Limits, 1)).Acquired);

        // A redis-server starved on a busy box may have timed that take out: wait until calls go to Redis again.
        var resilience = node.Services.GetRequiredService<RedisResilience>();
        for (var ready = Stopwatch.StartNew(); !resilience.TryEnter(out _); await Task.Delay(20))
        {
            Assert.True(ready.Elapsed < TimeSpan.FromSeconds(10), "Redis calls were still held back 10 s before the freeze");
        }

        using (server.Freeze())
        {
            var firstStarted = Stopwatch.StartNew();
            var (first, firstTook) = await TimedAsync(() => node.Buckets.TryTakeAsync(account, Limits, 1).AsTask(), stalls);
            var firstElapsed = firstStarted.Elapsed;
            var (second, secondTook) = await TimedAsync(() => node.Buckets.TryTakeAsync(cluster, Limits, 1).AsTask(), stalls);
            var (_, settleTook) = await TimedAsync(async () =>
            {
                await node.Buckets.SettleAsync(account, Limits, -1);
                node.Buckets.Settle(cluster, Limits, 5);
                return node.Buckets.TryTake(cluster, Limits, 1);
            }, stalls);

            // Served locally (failing open), the first after one timeout, the rest at once.
            Assert.True(first.Acquired);
            Assert.True(second.Acquired);
            Assert.True(firstElapsed >= Timeout - TimeSpan.FromMilliseconds(20), $"the first take returned after {firstElapsed.TotalMilliseconds:0} ms: it did not wait for Redis");
            Assert.True(firstTook <= Timeout + Slack, $"the first take took {firstTook.TotalMilliseconds:0} ms; one timeout is {Timeout.TotalMilliseconds:0} ms");
            Assert.True(secondTook < Timeout / 2, $"the cluster take took {secondTook.TotalMilliseconds:0} ms behind a timed-out call");
            Assert.True(settleTook < Timeout / 2, $"settles and a synchronous take took {settleTook.TotalMilliseconds:0} ms behind a timed-out call");
        }
    }

    /// <summary>How long <paramref name="call"/> took, less the time this process was stalled meanwhile (see <see cref="StallMeter"/>).</summary>
    private static async Task<(T Result, TimeSpan Took)> TimedAsync<T>(Func<Task<T>> call, StallMeter stalls)
    {
        long start = Stopwatch.GetTimestamp();
        var result = await call();
        long end = Stopwatch.GetTimestamp();
        return (result, Stopwatch.GetElapsedTime(start, end) - stalls.StalledBetween(start, end));
    }
}
