using AntiDistill.Redis.Tests.Infrastructure;
using AntiDistill.Simulation;

namespace AntiDistill.Redis.Tests.Sync;

[Collection(RedisTests.Name)]
public class RedisStateSynchronizerTests(SharedRedis redis)
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    private static readonly byte[] Prompt = "what is the best way to learn about houseplants"u8.ToArray();

    private static void Observe(TestNode node, AccountId account, DateTimeOffset at) =>
        node.Engine.Observe(new Observation { Account = account, Timestamp = at, Prompt = Prompt, TurnCount = 1 });

    [RedisFact]
    public async Task SyncOnce_RequestsSplitAcrossTwoNodes_BothCountEveryRequestOnce()
    {
        string prefix = TestNode.NewPrefix();
        await using var a = new TestNode(redis.Server.ConnectionString, prefix);
        await using var b = new TestNode(redis.Server.ConnectionString, prefix);
        var account = a.Account(1);
        for (int round = 0; round < 5; round++)
        {
            for (int i = 0; i < 10; i++)
            {
                Observe(a, account, Start.AddSeconds((round * 100) + i));
                Observe(b, account, Start.AddSeconds((round * 100) + 50 + i));
            }

            Assert.True((await a.SyncAsync()).Succeeded);
            Assert.True((await b.SyncAsync()).Succeeded);
            Assert.True((await a.SyncAsync()).Succeeded);
        }

        Assert.True(a.Engine.TryAssess(account, out var onA));
        Assert.True(b.Engine.TryAssess(account, out var onB));
        Assert.Equal(100, onA.Requests);
        Assert.Equal(100, onB.Requests);
    }

    [RedisFact]
    public async Task SyncOnce_AccountSeenOnlyOnOtherNode_TrackedWithItsCounts()
    {
        string prefix = TestNode.NewPrefix();
        await using var a = new TestNode(redis.Server.ConnectionString, prefix);
        await using var b = new TestNode(redis.Server.ConnectionString, prefix);
        var account = a.Account(2);
        for (int i = 0; i < 7; i++)
        {
            Observe(a, account, Start.AddMinutes(i));
        }

        await a.SyncAsync();
        var outcome = await b.SyncAsync();

        Assert.Equal(1, outcome.Pulled);
        Assert.True(b.Engine.TryAssess(account, out var onB));
        Assert.Equal(7, onB.Requests);
    }

    [RedisFact]
    public async Task SyncOnce_HydraSplitAcrossTwoNodes_OneClusterOnBoth()
    {
        string prefix = TestNode.NewPrefix();
        await using var a = new TestNode(redis.Server.ConnectionString, prefix);
        await using var b = new TestNode(redis.Server.ConnectionString, prefix);
        var traffic = new Scenario().Add(new CampaignHydra(), 60).Generate(7, PromptLibrary.BuiltIn(7), Start, TimeSpan.FromHours(12));
        var replayA = new EngineReplay(a.Engine) { LinkEvery = 64 };
        var replayB = new EngineReplay(b.Engine) { LinkEvery = 64 };
        var accounts = traffic.Select(r => r.Account).Distinct().ToList();
        var onA = accounts.Where((_, i) => i % 2 == 0).ToHashSet();
        int n = 0;
        foreach (var request in traffic)
        {
            (onA.Contains(request.Account) ? replayA : replayB).Observe(request);
            if (++n % 200 == 0)
            {
                await a.SyncAsync();
                await b.SyncAsync();
            }
        }

        for (int i = 0; i < 3; i++)
        {
            Assert.True((await a.SyncAsync()).Succeeded);
            Assert.True((await b.SyncAsync()).Succeeded);
        }

        var ids = accounts.Select(a.Engine.Identities.Account).ToHashSet();
        foreach (var node in new[] { a, b })
        {
            var largest = node.Engine.GetClusters().MaxBy(c => c.Accounts.Count)!;
            int members = largest.Accounts.Count(ids.Contains);
            Assert.True(members >= ids.Count * 0.95, $"{members} of {ids.Count} hydra accounts in one cluster");
            Assert.Equal(Verdict.Campaign, largest.Verdict);
        }
    }

    [RedisFact]
    public async Task SyncOnce_RedisKilledMidTrafficThenRestarted_NoExceptionAndCountsConverge()
    {
        using var server = new RedisServer();
        string prefix = TestNode.NewPrefix();
        await using var a = new TestNode(server.ConnectionString, prefix);
        await using var b = new TestNode(server.ConnectionString, prefix);
        var account = a.Account(3);
        int total = 0;
        for (int step = 0; step < 30; step++)
        {
            if (step == 10)
            {
                server.Kill();
            }

            if (step == 20)
            {
                server.Start();
            }

            Observe(step % 2 == 0 ? a : b, account, Start.AddSeconds(step));
            total++;
            var outcomeA = await a.SyncAsync();
            var outcomeB = await b.SyncAsync();
            if (step is > 10 and < 20)
            {
                Assert.False(outcomeA.Succeeded);
                Assert.False(outcomeB.Succeeded);
            }
        }

        // Back up: the circuit half-opens after its break, the new epoch makes both nodes push everything again.
        for (int attempt = 0; attempt < 100 && !(Requests(a) == total && Requests(b) == total); attempt++)
        {
            await Task.Delay(100);
            await a.SyncAsync();
            await b.SyncAsync();
        }

        Assert.Equal(total, Requests(a));
        Assert.Equal(total, Requests(b));

        int Requests(TestNode node) => node.Engine.TryAssess(account, out var x) ? x.Requests : 0;
    }

    [RedisFact]
    public async Task SyncOnce_ContributionsInRedis_HashTaggedWithTimeToLive()
    {
        string prefix = TestNode.NewPrefix();
        await using var a = new TestNode(redis.Server.ConnectionString, prefix);
        var account = a.Account(4);
        Observe(a, account, Start);
        await a.SyncAsync();

        using var mux = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.Server.ConnectionString);
        var db = mux.GetDatabase();
        string key = $"{{{prefix}:a:{account.Value:x16}}}:state";
        Assert.Equal(1, await db.HashLengthAsync(key));
        var ttl = await db.KeyTimeToLiveAsync(key);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromHours(23), TimeSpan.FromDays(1));
        Assert.NotNull(await db.KeyTimeToLiveAsync($"{{{prefix}:feed}}:changes"));
        Assert.NotNull(await db.KeyTimeToLiveAsync($"{{{prefix}:feed}}:epoch"));
    }
}
