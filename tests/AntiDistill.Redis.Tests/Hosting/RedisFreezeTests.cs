using System.Diagnostics;
using System.Globalization;
using System.Net;
using AntiDistill.RateLimiting;
using AntiDistill.Redis.Internal;
using AntiDistill.Redis.RateLimiting;
using AntiDistill.Redis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace AntiDistill.Redis.Tests.Hosting;

/// <summary>
/// A hung Redis (SIGSTOP: the socket accepts, nothing answers) under throttled, settled traffic on a real Kestrel
/// node: what a request pays for it, and how fast the node stops paying. A refused connection fails at once and
/// needs no such test; a hung one costs a timeout per call until something gives up on it.
/// </summary>
public class RedisFreezeTests(ITestOutputHelper output)
{
    // Long enough that a loaded CI box answers every call before the freeze in time, short enough to keep the test quick.
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(300);

    // A request on loopback takes milliseconds; this covers a busy 2-core box. Waiting one timeout per call (a take,
    // then a settle) would add another 300 ms, so the bound tells one timeout from two.
    private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(150);

    private const long Usage = 1_000;

    [RedisFact]
    public async Task Post_RedisFrozenUnderThrottledTraffic_AtMostOneTimeoutPerRequestThenNoWaitThenSharedAgain()
    {
        using var server = new RedisServer();
        string prefix = TestNode.NewPrefix();
        await using var node = await KestrelNode.StartAsync(server.ConnectionString, KestrelNode.Throttle(minRisk: 0, accountCapacity: 1e9),
            o =>
            {
                o.KeyPrefix = prefix;
                o.OperationTimeout = Timeout;
                o.BreakerBreakDuration = TimeSpan.FromMilliseconds(500);
            },
            usage: Usage);
        await node.WarmUpAsync();
        var resilience = node.Services.GetRequiredService<RedisResilience>();
        int threshold = node.RedisOptions.BreakerConsecutiveTimeouts;
        await using var stalls = new StallMeter();

        // Up: requests take and settle in Redis (a starved redis-server may time one out; the circuit must be closed at the freeze).
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await TimedPostAsync(node, "sk-freeze-before-" + i.ToString(CultureInfo.InvariantCulture), resilience, stalls)).Status);
        }

        await UntilAsync(() => resilience.TryEnter(out _), "calls to Redis were still held back (circuit open, or a call overdue) before the freeze");
        var samples = new List<Sample>();
        var frozenFor = Stopwatch.StartNew();
        using (server.Freeze())
        {
            // Paced, so that the freeze lasts past the circuit opening; bounded in count and time, and over early once
            // enough requests met the open circuit.
            while (samples.Count < 200 && frozenFor.Elapsed < TimeSpan.FromSeconds(5) && samples.Count(s => s.OpenBefore) < 10)
            {
                await Task.Delay(10);
                var at = frozenFor.Elapsed;
                var sample = await TimedPostAsync(node, "sk-freeze-" + (samples.Count % 4).ToString(CultureInfo.InvariantCulture), resilience, stalls);
                Assert.Equal(HttpStatusCode.OK, sample.Status); // fails open throughout
                samples.Add(sample with { At = at });
            }
        }

        output.WriteLine($"timeout {Timeout.TotalMilliseconds} ms, {samples.Count} requests in {frozenFor.Elapsed.TotalMilliseconds:0} ms of freeze");
        output.WriteLine(string.Join(Environment.NewLine, samples.Select(s =>
            $"at {s.At.TotalMilliseconds,6:0} ms took {s.Took.TotalMilliseconds,6:0.0} ms, {s.Net.TotalMilliseconds,6:0.0} ms less stalls{(s.OpenBefore ? " (open)" : "")}")));

        // No request waited more than one timeout, however many Redis calls it makes (take, settle). Latencies are net of
        // the time this process was not running at all (see StallMeter), which a busy shared box adds at random.
        var longest = samples.MaxBy(s => s.Net);
        Assert.True(longest.Net <= Timeout + Slack,
            $"a request took {longest.Net.TotalMilliseconds:0} ms ({longest.Took.TotalMilliseconds:0} ms with stalls) while Redis was frozen; one timeout is {Timeout.TotalMilliseconds:0} ms");

        // Few requests waited at all before the circuit opened (a waiting one takes a timeout, a served one milliseconds),
        // and none once it was open: those are served locally without asking Redis.
        int waited = samples.Count(s => s.Net >= Timeout / 2);
        Assert.True(waited <= threshold, $"{waited} requests waited for Redis; the circuit opens after {threshold} timeouts in a row");
        var open = samples.Where(s => s.OpenBefore).ToList();
        Assert.True(open.Count >= 10, $"the circuit did not open within {frozenFor.Elapsed.TotalMilliseconds:0} ms of the freeze");
        Assert.All(open, s => Assert.True(s.Net < Timeout / 2, $"a request took {s.Net.TotalMilliseconds:0} ms with the circuit open"));

        // Thawed: the circuit closes without a request having to probe, and the limits are in Redis again.
        await UntilAsync(() => !resilience.IsOpen, "the circuit did not close within 10 s of the thaw");
        using var mux = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        Assert.True(await SharedAgainAsync(node, mux.GetDatabase()), "no request after the thaw left its take and settle in Redis");
    }

    /// <summary>
    /// Whether a request under a fresh key leaves both its take and its settle in Redis: the bucket holds the capacity
    /// less the reported usage (it refills at a thousandth of a token a second). The settle is not awaited by the
    /// request, so it may land a moment later; and a redis-server starved on a busy box may time a take out (served
    /// locally, as it should), so a few fresh keys are tried.
    /// </summary>
    private static async Task<bool> SharedAgainAsync(KestrelNode node, IDatabase db)
    {
        var store = (RedisTokenBucketStore)node.Services.GetRequiredService<ITokenBucketStore>();
        for (int attempt = 0; attempt < 5; attempt++)
        {
            string key = "sk-freeze-after-" + attempt.ToString(CultureInfo.InvariantCulture);
            Assert.Equal(HttpStatusCode.OK, await node.PostAsync(key));
            var bucket = store.RedisKey(TokenBucketKey.ForAccount(node.Engine.Identities.Account(key)));
            for (var wait = Stopwatch.StartNew(); wait.Elapsed < TimeSpan.FromSeconds(2); await Task.Delay(20))
            {
                var value = await db.HashGetAsync(bucket, "l");
                if (!value.IsNull && Math.Abs(double.Parse((string)value!, CultureInfo.InvariantCulture) - (1e9 - Usage)) < 1)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static async Task UntilAsync(Func<bool> condition, string failure)
    {
        for (var deadline = Stopwatch.StartNew(); !condition(); await Task.Delay(20))
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), failure);
        }
    }

    private static async Task<Sample> TimedPostAsync(KestrelNode node, string key, RedisResilience resilience, StallMeter stalls)
    {
        bool open = resilience.IsOpen;
        long start = Stopwatch.GetTimestamp();
        var status = await node.PostAsync(key);
        long end = Stopwatch.GetTimestamp();
        var took = Stopwatch.GetElapsedTime(start, end);
        return new Sample(TimeSpan.Zero, status, took, took - stalls.StalledBetween(start, end), open);
    }

    private readonly record struct Sample(TimeSpan At, HttpStatusCode Status, TimeSpan Took, TimeSpan Net, bool OpenBefore);
}
