using System.Net;
using AntiDistill.Redis.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AntiDistill.Redis.Tests.Hosting;

/// <summary>
/// Redis killed while two Kestrel nodes serve traffic (real clock, short sync interval): nothing a client sees
/// changes, and the nodes share their state again once Redis is back, empty.
/// </summary>
public class RedisOutageTests
{
    private const int Steps = 120;
    private const int KillAt = 40;
    private const int RestartAt = 80;
    private static readonly string[] Keys = ["sk-outage-0", "sk-outage-1", "sk-outage-2", "sk-outage-3"];

    [RedisFact]
    public async Task Post_RedisKilledMidTrafficOnTwoNodes_EveryRequestServedAndStateSyncsAfterRestart()
    {
        using var server = new RedisServer();
        string prefix = TestNode.NewPrefix();
        void Redis(RedisStateOptions o)
        {
            o.KeyPrefix = prefix;
            o.SyncInterval = TimeSpan.FromMilliseconds(50);
            o.BreakerBreakDuration = TimeSpan.FromMilliseconds(500);
            o.OperationTimeout = TimeSpan.FromSeconds(1); // a loaded CI box must not turn slow calls into an outage
        }

        // Every request is metered against budgets it never exhausts: the policy says 200 throughout, outage or not.
        var settings = KestrelNode.Throttle(minRisk: 0, accountCapacity: 1e9);
        await using var a = await KestrelNode.StartAsync(server.ConnectionString, settings, Redis);
        await using var b = await KestrelNode.StartAsync(server.ConnectionString, settings, Redis);
        KestrelNode[] nodes = [a, b];
        var statuses = new List<(int Step, HttpStatusCode Status)>();
        var sent = Keys.ToDictionary(k => k, _ => 0, StringComparer.Ordinal);
        for (int step = 0; step < Steps; step++)
        {
            if (step == KillAt)
            {
                server.Kill();
            }

            if (step == RestartAt)
            {
                server.Start(); // empty, as after a crash without persistence
            }

            // Each account alternates between the nodes, so both nodes count every account.
            string key = Keys[step % Keys.Length];
            statuses.Add((step, await nodes[step / Keys.Length % 2].PostAsync(key)));
            sent[key]++;
        }

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s.Status));
        foreach (var node in nodes)
        {
            var logs = node.Logs.GetSnapshot();

            // The outage reached the request path (limits served locally, event 6002) and nothing escaped: no error logged
            // by the library, the middleware or Kestrel (an unhandled exception in a request is logged as an error).
            Assert.Contains(logs, r => r.Id.Id == 6002 && r.Message.Contains("(limit)", StringComparison.Ordinal));
            Assert.DoesNotContain(logs, r => r.Level >= LogLevel.Error);
        }

        // Back: both nodes hold every request of every account again (pushed again on the new epoch), and report healthy.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string State() => string.Join("; ", nodes.Select((n, i) =>
            $"node {i}: " + string.Join(",", Keys.Select(k => n.Requests(n.Engine.Identities.Account(k)))) + $" lag {n.Synchronizer.Lag}"));
        while (!(await AllHealthyAsync(nodes) && nodes.All(n => Keys.All(k => n.Requests(n.Engine.Identities.Account(k)) == sent[k]))))
        {
            Assert.True(DateTime.UtcNow < deadline, $"state did not sync again within 30 s of the restart: sent {Steps / Keys.Length} each, {State()}");
            await Task.Delay(50);
        }

        // The limits went back to Redis too: a request after the restart left its account's bucket there.
        Assert.Equal(HttpStatusCode.OK, await a.PostAsync(Keys[0]));
        using var mux = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var bucket = ((AntiDistill.Redis.RateLimiting.RedisTokenBucketStore)a.Services.GetService(typeof(AntiDistill.RateLimiting.ITokenBucketStore))!)
            .RedisKey(AntiDistill.RateLimiting.TokenBucketKey.ForAccount(a.Engine.Identities.Account(Keys[0])));
        Assert.True(await mux.GetDatabase().KeyExistsAsync(bucket), "the account's bucket is not in Redis after the restart");
    }

    private static async Task<bool> AllHealthyAsync(KestrelNode[] nodes)
    {
        foreach (var node in nodes)
        {
            if ((await node.RedisHealthAsync()).Status != HealthStatus.Healthy)
            {
                return false;
            }
        }

        return true;
    }
}
