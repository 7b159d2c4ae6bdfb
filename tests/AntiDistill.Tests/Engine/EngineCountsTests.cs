using Microsoft.Extensions.Time.Testing;

namespace AntiDistill.Tests.Engine;

/// <summary>The counts the gauges and the health check read: kept by the engine as it goes, never a scan.</summary>
public class EngineCountsTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void CountAccounts_ThresholdsPutEveryAccountInOneVerdict_CountsThatVerdict()
    {
        // Suspicious from risk 0: every scored account is at least suspicious, none is a campaign below risk 2.
        var engine = TestEngine.Create(o =>
        {
            o.Risk.SuspiciousThreshold = 0;
            o.Risk.CampaignThreshold = 1;
        });
        for (int i = 0; i < 5; i++)
        {
            engine.Observe(engine.Account(i));
            engine.Observe(engine.Account(i));
        }

        Assert.Equal(5, engine.TrackedAccounts);
        Assert.Equal(5, engine.CountAccounts(Verdict.Suspicious));
        Assert.Equal(0, engine.CountAccounts(Verdict.Campaign));
        Assert.Equal(0, engine.CountAccounts(Verdict.Organic));
    }

    [Fact]
    public void CountAccounts_OrdinaryTraffic_AllOrganic()
    {
        var engine = TestEngine.Create();
        ObserveAccounts(engine, 4);

        Assert.Equal(4, engine.CountAccounts(Verdict.Organic));
        Assert.Equal(0, engine.CountAccounts(Verdict.Suspicious) + engine.CountAccounts(Verdict.Campaign));
    }

    [Fact]
    public void CountAccounts_FlaggedAccountsEvicted_NoLongerCounted()
    {
        var time = new FakeTimeProvider(Start);
        var engine = TestEngine.Create(o =>
        {
            o.Risk.SuspiciousThreshold = 0;
            o.Accounts.IdleTimeout = TimeSpan.FromMinutes(10);
        }, time);
        ObserveAccounts(engine, 3);

        time.Advance(TimeSpan.FromMinutes(11));
        engine.Observe(engine.Account(99));
        engine.EvictIdle();

        Assert.Equal(1, engine.TrackedAccounts);
        Assert.Equal(1, engine.CountAccounts(Verdict.Suspicious));
    }

    [Fact]
    public void CountAccounts_FullStoreReusesFlaggedAccounts_CountStaysWithinTracked()
    {
        // A rotating attacker: a full store reuses evicted accounts' state; the counts must follow, not drift upwards.
        var engine = TestEngine.Create(o =>
        {
            o.Risk.SuspiciousThreshold = 0;
            o.Accounts.MaxAccounts = 16;
            o.Accounts.Shards = 1;
        });
        ObserveAccounts(engine, 500);

        Assert.Equal(16, engine.TrackedAccounts);
        Assert.Equal(16, engine.CountAccounts(Verdict.Suspicious));
    }

    [Fact]
    public void LinkageBacklog_ObservedThenProcessed_WaitingRequestsThenNone()
    {
        var engine = TestEngine.Create();
        ObserveAccounts(engine, 7);

        Assert.Equal(7, engine.LinkageBacklog);
        engine.ProcessLinkage();
        Assert.Equal(0, engine.LinkageBacklog);
    }

    [Fact]
    public void ClusterCount_AccountsSharingACard_OneCluster()
    {
        var engine = TestEngine.Create();
        var card = engine.Identities.Hash("card-shared-by-three");
        for (int i = 0; i < 3; i++)
        {
            engine.Observe(new Observation
            {
                Account = engine.Account(i),
                Prompt = TestEngine.OrdinaryPrompt,
                TurnCount = 1,
                Client = new ClientAttributes { Payment = card },
            });
        }

        engine.ProcessLinkage();

        Assert.Equal(1, engine.ClusterCount);
    }

    [Fact]
    public void ClusterCount_LinkageOff_Zero()
    {
        var engine = TestEngine.Create(o => o.Linkage.Enabled = false);
        engine.Observe(engine.Account(1));

        Assert.Equal(0, engine.ClusterCount);
        Assert.Equal(0, engine.LinkageBacklog);
    }

    /// <summary>One ordinary request from each of <paramref name="accounts"/> accounts.</summary>
    private static void ObserveAccounts(DistillationEngine engine, int accounts)
    {
        for (int i = 0; i < accounts; i++)
        {
            engine.Observe(engine.Account(i));
        }
    }
}
