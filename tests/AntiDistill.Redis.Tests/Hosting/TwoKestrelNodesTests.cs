using System.Net;
using AntiDistill.Redis.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AntiDistill.Redis.Tests.Hosting;

/// <summary>Two real Kestrel hosts on 127.0.0.1 behind the middleware, sharing one redis-server.</summary>
[Collection(RedisTests.Name)]
public class TwoKestrelNodesTests(SharedRedis redis)
{

    [RedisFact]
    public async Task Throttle_AccountOnOneNodeOrAlternatingTwo_SameNumberServedBefore429()
    {
        string prefix = TestNode.NewPrefix();
        // Every request is metered against a small account budget.
        var settings = KestrelNode.Throttle(minRisk: 0, accountCapacity: 1000);
        await using var a = await KestrelNode.StartAsync(redis.Server.ConnectionString, settings, o => o.KeyPrefix = prefix);
        await using var b = await KestrelNode.StartAsync(redis.Server.ConnectionString, settings, o => o.KeyPrefix = prefix);
        await a.WarmUpAsync();
        await b.WarmUpAsync();

        async Task<int> ServedAsync(string apiKey, bool alternate)
        {
            var statuses = new List<HttpStatusCode>();
            for (int i = 0; i < 200 && !statuses.Contains(HttpStatusCode.TooManyRequests); i++)
            {
                statuses.Add(await (alternate && i % 2 == 1 ? b : a).PostAsync(apiKey));
            }

            Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
            Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, s.ToString()));
            return statuses.Count(s => s == HttpStatusCode.OK);
        }

        int oneNode = await ServedAsync("sk-one-node", alternate: false);
        int twoNodes = await ServedAsync("sk-two-nodes", alternate: true);

        Assert.True(oneNode >= 2, $"{oneNode} served");
        Assert.Equal(oneNode, twoNodes);
        Assert.Equal(HealthStatus.Healthy, (await a.RedisHealthAsync()).Status);
    }
}
