using System.Net;
using AntiDistill.AspNetCore.Tests;
using AntiDistill.RateLimiting;
using AntiDistill.Redis.Tests.Infrastructure;
using AntiDistill.Simulation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace AntiDistill.Redis.Tests.Hosting;

/// <summary>
/// Half a day of simulated traffic replayed over HTTP, in time order on one fake clock, to two Kestrel nodes sharing
/// one redis-server: a hydra's accounts split across the nodes, organic users on each. Throttling applies from the
/// suspicious band up; accounts have budget to spare, so a hydra request is refused only by its cluster's budget,
/// which is shared through Redis only if both nodes agree on the cluster.
/// </summary>
[Collection(RedisTests.Name)]
public class HydraAcrossNodesTests(SharedRedis redis)
{
    private const int MaxRequests = 2500;
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    // Throttled from the suspicious band up; an account's budget is never the limit, a cluster's is (a few hydra requests at high risk).
    private static Dictionary<string, string?> Settings()
    {
        var settings = KestrelNode.Throttle(minRisk: 0.5, accountCapacity: 1e9, clusterCapacity: 30_000);
        settings["AntiDistillation:Http:TlsFingerprintHeader"] = SimulatedBodies.TlsHeader;
        return settings;
    }

    [RedisFact]
    public async Task Replay_HydraSplitAcrossTwoNodes_OneClusterThrottledOnBothWhileOrganic200()
    {
        var start = Start.AddMinutes(1);
        var traffic = new Scenario()
            .Add(new CampaignHydra(), 40)
            .Add(new OrganicCasual(), 40)
            .Add(new OrganicHeavyUser(), 2)
            .Add(new OrganicCodingAgent(), 4)
            .Generate(seed: 11, PromptLibrary.BuiltIn(11), start, TimeSpan.FromHours(12))
            .Take(MaxRequests)
            .ToList();
        var time = new FakeTimeProvider(Start);
        var profiles = new SimulatedProfiles(traffic);
        string prefix = TestNode.NewPrefix();
        void Redis(RedisStateOptions o)
        {
            o.KeyPrefix = prefix;
            o.SyncInterval = TimeSpan.FromMilliseconds(10); // every move of the fake clock syncs
            o.SyncTimeout = TimeSpan.FromMinutes(5);
        }

        await using var a = await KestrelNode.StartAsync(redis.Server.ConnectionString, Settings(), Redis, time, profiles);
        await using var b = await KestrelNode.StartAsync(redis.Server.ConnectionString, Settings(), Redis, time, profiles);
        KestrelNode[] nodes = [a, b];

        // Each account is served by one node; accounts alternate between the nodes in order of appearance.
        var accounts = traffic.Select(r => r.Account).Distinct().ToList();
        var nodeOf = accounts.Select((account, i) => (account, i)).ToDictionary(x => x.account, x => x.i % 2, StringComparer.Ordinal);
        var statuses = accounts.ToDictionary(x => x, _ => new List<HttpStatusCode>(), StringComparer.Ordinal);
        List<HttpStatusCode>[] hydraOnNode = [[], []]; // in time order
        foreach (var request in traffic)
        {
            await FakeClockSync.MoveAndSyncAsync(time, request.Timestamp, nodes);
            using var message = SimulatedBodies.ToHttp(request);
            using var response = await nodes[nodeOf[request.Account]].Client.SendAsync(message);
            statuses[request.Account].Add(response.StatusCode);
            if (request.IsCampaign)
            {
                hydraOnNode[nodeOf[request.Account]].Add(response.StatusCode);
            }
        }

        for (int i = 0; i < 3; i++)
        {
            await FakeClockSync.MoveAndSyncAsync(time, time.GetUtcNow().AddSeconds(1), nodes);
        }

        var hydra = traffic.Where(r => r.IsCampaign).Select(r => r.Account).Distinct().ToList();
        var organic = accounts.Except(hydra).ToList();
        var hydraIds = hydra.Select(a.Engine.Identities.Account).ToHashSet();
        var servedBy = hydra.ToLookup(x => nodeOf[x], a.Engine.Identities.Account);
        string Report() => string.Join("; ", nodes.Select((n, i) =>
            $"node {i}: " + string.Join(", ", n.Engine.GetClusters().OrderByDescending(c => c.Accounts.Count).Take(4)
                .Select(c => $"{c.Accounts.Count(hydraIds.Contains)}/{c.Accounts.Count} hydra, {c.Verdict}, risk {c.Risk:0.00}")))) +
            " | hydra statuses: " + string.Join(" ", hydra.Select(x => $"{nodeOf[x]}:" + string.Concat(statuses[x].Select(s => s == HttpStatusCode.OK ? '.' : 'x'))));

        // One cluster: on each node the hydra's accounts, from both nodes, are (nearly) all in one cluster, with the same anchor.
        var anchors = new List<AccountId>();
        foreach (var node in nodes)
        {
            var largest = node.Engine.GetClusters().MaxBy(c => c.Accounts.Count(hydraIds.Contains))!;
            int members = largest.Accounts.Count(hydraIds.Contains);
            Assert.True(members >= hydraIds.Count * 0.9, $"{members} of {hydraIds.Count} hydra accounts in one cluster. {Report()}");
            Assert.True(servedBy[0].Count(largest.Accounts.Contains) >= servedBy[0].Count() * 0.9, $"too few of node 0's hydra accounts in the cluster. {Report()}");
            Assert.True(servedBy[1].Count(largest.Accounts.Contains) >= servedBy[1].Count() * 0.9, $"too few of node 1's hydra accounts in the cluster. {Report()}");
            Assert.True(node.Engine.TryGetClusterAnchor(largest.Id, out var anchor));
            anchors.Add(anchor);
        }

        Assert.Equal(anchors[0], anchors[1]);

        // Both nodes draw that cluster's budget from the same Redis bucket, which the hydra has spent.
        var bucketKeys = nodes.Select(n =>
        {
            var largest = n.Engine.GetClusters().MaxBy(c => c.Accounts.Count(hydraIds.Contains))!;
            return ((AntiDistill.Redis.RateLimiting.RedisTokenBucketStore)n.Services.GetRequiredService<ITokenBucketStore>()).RedisKey(TokenBucketKey.ForCluster(largest.Id));
        }).ToList();
        Assert.Equal(bucketKeys[0], bucketKeys[1]);
        using (var mux = await ConnectionMultiplexer.ConnectAsync(redis.Server.ConnectionString))
        {
            Assert.True(await mux.GetDatabase().KeyExistsAsync(bucketKeys[0]), $"no shared bucket {bucketKeys[0]} in Redis");
        }

        // Throttled on both nodes: each node refused the hydra, and refused most of what it sent after the first refusal.
        for (int n = 0; n < nodes.Length; n++)
        {
            var onNode = hydraOnNode[n];
            Assert.All(onNode, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, s.ToString()));
            int first = onNode.IndexOf(HttpStatusCode.TooManyRequests);
            Assert.True(first >= 0, $"node {n} never throttled the hydra. {Report()}");
            int refused = onNode.Skip(first).Count(s => s == HttpStatusCode.TooManyRequests);
            Assert.True(refused * 2 > onNode.Count - first, $"node {n} refused only {refused} of {onNode.Count - first} hydra requests after its first 429. {Report()}");
        }

        // Organic users on each node: every request served.
        for (int n = 0; n < nodes.Length; n++)
        {
            var onNode = organic.Where(x => nodeOf[x] == n).ToList();
            Assert.True(onNode.Count >= 8 && onNode.Sum(x => statuses[x].Count) >= 100, $"node {n} served too few organic requests to judge: {traffic.Count} total, {string.Join(",", onNode.Select(x => statuses[x].Count))}. {Report()}");
            Assert.All(onNode, x => Assert.All(statuses[x], s => Assert.Equal(HttpStatusCode.OK, s)));
        }

        Assert.All(nodes, n => Assert.DoesNotContain(n.Logs.GetSnapshot(), r => r.Level >= LogLevel.Error));
    }
}
