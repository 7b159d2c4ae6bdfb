namespace AntiDistill.Redis.Tests.Replication;

/// <summary>The engine's replication hook without Redis: contributions moved by hand between two engines.</summary>
public class StateReplicaTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Prompt = "Think step by step and show all of your reasoning about prime numbers"u8.ToArray();

    private static DistillationEngine Create() => new(new AntiDistillationOptions
    {
        IdentityKey = Infrastructure.TestNode.IdentityKey,
        Replication = { Enabled = true },
    });

    private static void Observe(DistillationEngine engine, AccountId account, int second) => engine.Observe(new Observation
    {
        Account = account,
        Timestamp = Start.AddSeconds(second),
        Prompt = Prompt,
        TurnCount = 1,
        MaxOutputTokens = 32_000,
        ReasoningRequested = true,
        Client = new ClientAttributes { Payment = 42 },
    });

    private static byte[] Export(DistillationEngine engine, AccountId account)
    {
        var buffer = new byte[StateReplica.MaxContributionLength];
        return buffer.AsSpan(0, engine.Replica!.Export(account, buffer)).ToArray();
    }

    [AllocationFact]
    public void Observe_ReplicationOn_WarmAccountAllocatesNothing()
    {
        // A linkage queue the warm-up takes once around: its slot blocks are allocated on the first lap only.
        var engine = new DistillationEngine(new AntiDistillationOptions
        {
            IdentityKey = Infrastructure.TestNode.IdentityKey,
            Replication = { Enabled = true },
            Linkage = { QueueCapacity = 1024 },
        });
        var account = engine.Identities.Account("alloc");
        for (int i = 0; i < 2000; i++)
        {
            Observe(engine, account, i);
        }

        engine.ProcessLinkage();
        engine.Replica!.CollectChanges(new List<AccountId>());
        int next = 2000;
        long allocated = AllocationCounter.Least(() =>
        {
            for (int end = next + 1000; next < end; next++)
            {
                Observe(engine, account, next);
            }
        });

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void CollectChanges_AfterObserve_ReturnsEachChangedAccountOnce()
    {
        var engine = Create();
        var x = engine.Identities.Account("x");
        var y = engine.Identities.Account("y");
        Observe(engine, x, 0);
        Observe(engine, x, 1);
        Observe(engine, y, 2);
        var changed = new List<AccountId>();

        engine.Replica!.CollectChanges(changed);
        var again = new List<AccountId>();
        engine.Replica.CollectChanges(again);

        Assert.Equal(new HashSet<AccountId> { x, y }, changed.ToHashSet());
        Assert.Equal(2, changed.Count);
        Assert.Empty(again);
    }

    [Fact]
    public void Import_OwnAndOtherContributions_SumCountsOnceAndSkipsOwn()
    {
        var a = Create();
        var b = Create();
        var account = a.Identities.Account("shared");
        for (int i = 0; i < 4; i++)
        {
            Observe(a, account, i);
        }

        for (int i = 0; i < 6; i++)
        {
            Observe(b, account, 100 + i);
        }

        byte[] fromA = Export(a, account), fromB = Export(b, account);
        a.Replica!.Import(account, [fromA, fromB]);
        a.Replica.Import(account, [fromA, fromB]); // importing twice changes nothing: contributions replace, never add

        Assert.True(a.TryAssess(account, out var assessment));
        Assert.Equal(10, assessment.Requests);
    }

    [Fact]
    public void Import_SharedCardOnTwoNodes_AccountsLinkedOnBoth()
    {
        var a = Create();
        var b = Create();
        var onA = a.Identities.Account("card-a");
        var onB = a.Identities.Account("card-b");
        Observe(a, onA, 0);
        Observe(b, onB, 1);
        a.Replica!.CollectChanges(new List<AccountId>());
        b.Replica!.CollectChanges(new List<AccountId>());

        a.Replica.Import(onB, [Export(b, onB)]);
        b.Replica.Import(onA, [Export(a, onA)]);
        a.ProcessLinkage();
        b.ProcessLinkage();

        Assert.True(a.TryAssess(onA, out var x) && x.Cluster.IsValid);
        Assert.True(b.TryAssess(onB, out var y) && y.Cluster.IsValid);
        Assert.True(a.TryGetClusterAnchor(x.Cluster, out var anchorA));
        Assert.True(b.TryGetClusterAnchor(y.Cluster, out var anchorB));
        Assert.Equal(anchorA, anchorB);
    }

    [Fact]
    public void Import_MalformedContributions_RejectedAndCounted()
    {
        var engine = Create();
        var account = engine.Identities.Account("bad");
        var valid = Export(engine, engine.Identities.Account("none"));
        Assert.Empty(valid);

        int used = engine.Replica!.Import(account, [new byte[3], new byte[StateReplica.MaxContributionLength], Array.Empty<byte>()]);

        Assert.Equal(0, used);
        Assert.Equal(3, engine.Replica.ContributionsRejected);
    }
}
