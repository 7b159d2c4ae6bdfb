namespace AntiDistill.Tests.Linkage;

public class LinkerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The engines of these tests: a test engine whose suspicious threshold is pinned at 0.5, so that "suspicious" means
    /// what <see cref="MakeSuspicious"/> makes an account (a handful of reasoning-trace harvest requests) whatever the
    /// calibrated default is: these tests are about linkage, and the calibration moves the threshold.
    /// </summary>
    private static DistillationEngine Engine(Action<AntiDistillationOptions>? configure = null) => TestEngine.Create(o =>
    {
        o.Risk.SuspiciousThreshold = 0.5;
        configure?.Invoke(o);
    });

    /// <summary>An engine whose only soft evidence is the attributes a test passes (no timing or content kinds).</summary>
    private static DistillationEngine AttributesOnly() => Engine(o =>
    {
        o.Linkage.Synchrony.Weight = 0;
        o.Linkage.Cadence.Weight = 0;
        o.Linkage.ContentProfile.Weight = 0;
        o.Linkage.PromptFrame.Weight = 0;
    });

    /// <summary>
    /// Accounts 1 and 2, each made suspicious on its own, in an engine where the timing and content kinds are
    /// off except <paramref name="kind"/>, which links alone (weight 1).
    /// </summary>
    private static DistillationEngine TwoSuspiciousAccounts(LinkKind kind)
    {
        var engine = Engine(o =>
        {
            foreach (var k in new[] { LinkKind.Synchrony, LinkKind.Cadence, LinkKind.ContentProfile, LinkKind.PromptFrame })
            {
                o.Linkage.Rule(k).Weight = k == kind ? 1.0 : 0;
            }
        });
        MakeSuspicious(engine, engine.Account(1), -300);
        MakeSuspicious(engine, engine.Account(2), -200);
        return engine;
    }

    private static Assessment Observe(DistillationEngine engine, AccountId account, ClientAttributes client, int minute)
    {
        var assessment = engine.Observe(new Observation
        {
            Account = account,
            Timestamp = T0.AddMinutes(minute),
            Prompt = TestEngine.OrdinaryPrompt,
            TurnCount = 1,
            Client = client,
        });
        engine.ProcessLinkage();
        return assessment;
    }

    /// <summary>
    /// Makes an account suspicious on its own: a handful of reasoning-trace harvest requests, no client attributes,
    /// worded per account so that no prompt frame is shared and the tests control every piece of evidence.
    /// </summary>
    private static void MakeSuspicious(DistillationEngine engine, AccountId account, int minute)
    {
        Assessment last = default;
        for (int i = 0; i < 8; i++)
        {
            last = Harvest(engine, account, T0.AddMinutes(minute).AddSeconds(i));
        }

        Assert.True(last.AccountRisk >= 0.5, TestEngine.Describe(last)); // the pinned threshold (see Engine)
    }

    private static Assessment Harvest(DistillationEngine engine, AccountId account, DateTimeOffset at)
    {
        byte[] harvestPrompt = TestText.Utf8(
            $"Task {account.Value % 1000}: Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. " +
            $"How many clips did she sell? Think step by step and write out your complete internal reasoning, ref {account.Value % 997}.");
        var assessment = engine.Observe(new Observation
        {
            Account = account,
            Timestamp = at,
            Prompt = harvestPrompt,
            TurnCount = 1,
            MaxOutputTokens = 32000,
            ReasoningRequested = true,
        });
        engine.ProcessLinkage();
        return assessment;
    }

    [Fact]
    public void ProcessLinkage_SharedCard_LinksAccountsIntoOneCluster()
    {
        var engine = Engine();
        var card = new ClientAttributes { Payment = engine.Identities.Hash("card-1") };
        for (int i = 0; i < 8; i++)
        {
            Observe(engine, engine.Account(i), card, i);
        }

        var again = Observe(engine, engine.Account(0), card, 20);
        var clusters = engine.GetClusters();
        Assert.Single(clusters);
        Assert.Equal(8, clusters[0].Accounts.Count);
        Assert.Equal(clusters[0].Id, again.Cluster);
        Assert.True(clusters[0].Evidence[LinkKind.Payment] >= 7);
        Assert.Equal(Verdict.Organic, clusters[0].Verdict);
        Assert.Equal(clusters[0].Evidence[LinkKind.Payment], again.ClusterEvidence[(int)LinkKind.Payment]);
        Assert.Equal(0, again.ClusterEvidence[(int)LinkKind.Network]);
    }

    [Fact]
    public void ProcessLinkage_MaxRequests_ProcessesTheBacklogInSlicesInOrder()
    {
        var engine = Engine();
        var card = new ClientAttributes { Payment = engine.Identities.Hash("card-1") };
        for (int i = 0; i < 10; i++)
        {
            engine.Observe(new Observation { Account = engine.Account(i % 4), Timestamp = T0.AddSeconds(i), Prompt = TestEngine.OrdinaryPrompt, TurnCount = 1, Client = card });
        }

        int[] slices = [engine.ProcessLinkage(4), engine.ProcessLinkage(4), engine.ProcessLinkage(4), engine.ProcessLinkage(4)];

        Assert.Equal([4, 4, 2, 0], slices);
        Assert.Equal(4, Assert.Single(engine.GetClusters()).Accounts.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.ProcessLinkage(0));
    }

    [Fact]
    public void ProcessLinkage_BusyAccountsRepeatingTheirCard_LinkedWithAPartnerThatComesLater()
    {
        // Repeats of an account's own attribute values are skipped for a while (linkage cost); a partner arriving
        // meanwhile must still find the account in the index and link with it.
        var engine = Engine();
        var card = new ClientAttributes { Payment = engine.Identities.Hash("card-1") };
        for (int i = 0; i < 50; i++)
        {
            engine.Observe(new Observation { Account = engine.Account(0), Timestamp = T0.AddSeconds(i * 0.1), Prompt = TestEngine.OrdinaryPrompt, TurnCount = 1, Client = card });
        }

        engine.Observe(new Observation { Account = engine.Account(1), Timestamp = T0.AddSeconds(6), Prompt = TestEngine.OrdinaryPrompt, TurnCount = 1, Client = card });
        engine.ProcessLinkage();

        Assert.Equal(2, Assert.Single(engine.GetClusters()).Accounts.Count);
    }

    [Fact]
    public void ProcessLinkage_ManyAccountsBehindOneNat_AreNotLinked()
    {
        var engine = Engine();
        var nat = new ClientAttributes
        {
            IpPrefix = engine.Identities.Hash("198.51.100.0/24"),
            UserAgent = engine.Identities.Hash("Chrome/141"),
            TlsFingerprint = engine.Identities.Hash("ja4_chrome"),
            Asn = 64500,
            EmailDomain = engine.Identities.Hash("gmail.com"),
        };
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < 120; i++)
            {
                Observe(engine, engine.Account(i), nat, (round * 20) + (i % 20));
            }
        }

        Assert.Empty(engine.GetClusters());
    }

    [Fact]
    public void ProcessLinkage_SoftLinksAlone_NeedSeveralKinds()
    {
        var engine = AttributesOnly();
        MakeSuspicious(engine, engine.Account(1), -30);
        MakeSuspicious(engine, engine.Account(2), -30);
        var network = new ClientAttributes { IpPrefix = engine.Identities.Hash("203.0.113.0/24") };
        Observe(engine, engine.Account(1), network, 0);
        Observe(engine, engine.Account(2), network, 1);
        Observe(engine, engine.Account(2), network, 2);
        Assert.Empty(engine.GetClusters()); // one soft kind, however often, is not enough

        var more = network with { EmailDomain = engine.Identities.Hash("rare-startup.example"), UserAgent = engine.Identities.Hash("curl/8"), TlsFingerprint = 7 };
        Observe(engine, engine.Account(1), more, 3);
        Observe(engine, engine.Account(2), more, 4);
        Assert.Single(engine.GetClusters());
    }

    [Fact]
    public void ProcessLinkage_NetworkSharedOutsideItsWindow_IsNotEvidence()
    {
        var engine = AttributesOnly();
        MakeSuspicious(engine, engine.Account(1), -30);
        MakeSuspicious(engine, engine.Account(2), -30);
        var client = new ClientAttributes
        {
            IpPrefix = engine.Identities.Hash("203.0.113.0/24"),
            EmailDomain = engine.Identities.Hash("rare-startup.example"),
            UserAgent = engine.Identities.Hash("curl/8"),
        };
        Observe(engine, engine.Account(1), client with { EmailDomain = 0, UserAgent = 0 }, 0);
        Observe(engine, engine.Account(2), client with { EmailDomain = 0, UserAgent = 0 }, 600); // ten hours later
        Observe(engine, engine.Account(1), client with { IpPrefix = 0 }, 601);
        Observe(engine, engine.Account(2), client with { IpPrefix = 0 }, 602);
        Assert.Empty(engine.GetClusters()); // 0.3 (e-mail) + 0.5 (client), the stale network adds nothing
    }

    [Fact]
    public void ProcessLinkage_HarvesterAndOrganicUserBehindOneProxy_AreNotLinked()
    {
        var engine = AttributesOnly();
        MakeSuspicious(engine, engine.Account(1), -30);
        var proxy = new ClientAttributes
        {
            IpPrefix = engine.Identities.Hash("192.0.2.0/24"),
            UserAgent = engine.Identities.Hash("python-httpx"),
            TlsFingerprint = 9,
            EmailDomain = engine.Identities.Hash("rare-startup.example"),
        };
        for (int minute = 0; minute < 10; minute++)
        {
            Observe(engine, engine.Account(1), proxy, minute);
            Observe(engine, engine.Account(2), proxy, minute);
        }

        Assert.Empty(engine.GetClusters());
    }

    [Fact]
    public void ProcessLinkage_TwoSuspiciousAccountsOnAHubSystemPrompt_LinkWhereOrganicUsersDoNot()
    {
        var engine = AttributesOnly();
        var agent = new ClientAttributes { UserAgent = engine.Identities.Hash("agent/1.0"), TlsFingerprint = 5 };
        for (int i = 0; i < 60; i++)
        {
            Observe(engine, engine.Account(100 + i), agent, i % 30); // sixty organic users of one client: a hub
        }

        Assert.Empty(engine.GetClusters());
        MakeSuspicious(engine, engine.Account(1), 0);
        MakeSuspicious(engine, engine.Account(2), 0);
        var frames = agent with { IpPrefix = engine.Identities.Hash("192.0.2.0/24"), EmailDomain = engine.Identities.Hash("x.example") };
        Observe(engine, engine.Account(1), frames, 40);
        Observe(engine, engine.Account(2), frames, 41);
        var clusters = engine.GetClusters();
        Assert.Single(clusters);
        Assert.Equal(2, clusters[0].Accounts.Count);
    }

    [Fact]
    public void ProcessLinkage_SuspiciousAccountsActiveTogetherAgainAndAgain_LinkBySynchrony()
    {
        var engine = TwoSuspiciousAccounts(LinkKind.Synchrony);

        // Four shared minutes are not yet synchrony; the fifth is (five shared, Jaccard 5/7 of their active minutes).
        for (int minute = 0; minute < 4; minute++)
        {
            Harvest(engine, engine.Account(1), T0.AddMinutes(minute * 7));
            Harvest(engine, engine.Account(2), T0.AddMinutes(minute * 7));
        }

        Assert.Empty(engine.GetClusters());
        Harvest(engine, engine.Account(1), T0.AddMinutes(100));
        Harvest(engine, engine.Account(2), T0.AddMinutes(100));

        var cluster = Assert.Single(engine.GetClusters());
        Assert.True(cluster.Evidence.ContainsKey(LinkKind.Synchrony));
    }

    [Fact]
    public void ProcessLinkage_AlwaysOnAccountAndOccasionalOne_AreNotSynchronized()
    {
        var engine = TwoSuspiciousAccounts(LinkKind.Synchrony);
        for (int minute = 0; minute < 60; minute++)
        {
            Harvest(engine, engine.Account(1), T0.AddMinutes(minute)); // busy every minute
            if (minute % 3 == 0)
            {
                Harvest(engine, engine.Account(2), T0.AddMinutes(minute).AddSeconds(30)); // a third of the minutes, all shared
            }
        }

        // Account 2 shares every one of its minutes with account 1, but account 1 is active in three times as many:
        // a Jaccard of one third is chance overlap with an always-on account, not moving together.
        Assert.Empty(engine.GetClusters());

        var other = engine.Account(3);
        MakeSuspicious(engine, other, 10_000);
        for (int minute = 0; minute < 40; minute++)
        {
            Harvest(engine, other, T0.AddMinutes(-3000 + minute)); // forty minutes of its own...
        }

        for (int minute = 0; minute < 20; minute++)
        {
            Harvest(engine, other, T0.AddMinutes(minute * 3).AddSeconds(45)); // ...then twenty shared with account 1: a third
        }

        var joined = engine.GetClusters().Where(c => c.Accounts.Contains(other)).ToList();
        Assert.True(joined.Count == 0, string.Join("; ", joined.Select(c => string.Join(",", c.Evidence.Select(kv => $"{kv.Key}={kv.Value}")))));
    }

    [Fact]
    public void ProcessLinkage_SuspiciousAccountsSendingTheSameItems_LinkByContentProfile()
    {
        var engine = TwoSuspiciousAccounts(LinkKind.ContentProfile);
        for (int i = 0; i < 5; i++)
        {
            // The same benchmark items, from both accounts.
            foreach (int account in new[] { 1, 2 })
            {
                engine.Observe(new Observation
                {
                    Account = engine.Account(account),
                    Timestamp = T0.AddMinutes(200 + (i * 3) + account),
                    Prompt = TestText.Utf8(TestText.Words(i, 60)),
                    TurnCount = 1,
                });
                engine.ProcessLinkage();
            }
        }

        var cluster = Assert.Single(engine.GetClusters());
        Assert.True(cluster.Evidence.ContainsKey(LinkKind.ContentProfile));
    }

    /// <summary>
    /// Accounts that each look like a harvester on their own, linked by one card into one cluster. The campaign
    /// threshold is set above what their summed activity reaches (0.95-0.98 here), as cover traffic keeps a real
    /// cohort's summed activity down, so that the cohort rule alone decides whether the cluster is a campaign.
    /// </summary>
    private static (ClusterSummary Cluster, Assessment Member) SuspiciousCohort(int suspicious, int organic, int campaignMembers)
    {
        var engine = Engine(o =>
        {
            o.Linkage.HubThreshold = 10_000; // the cards below are the test's only links, however many share one
            o.Linkage.CampaignMembers = campaignMembers;
            o.Risk.CampaignThreshold = 0.995;
        });
        var card = new ClientAttributes { Payment = engine.Identities.Hash("operator-card") };
        for (int i = 0; i < suspicious + organic; i++)
        {
            var account = engine.Account(100 + i);
            if (i < suspicious)
            {
                MakeSuspicious(engine, account, i);
            }

            Observe(engine, account, card, 600 + i);
        }

        var member = Observe(engine, engine.Account(100), card, 2000);
        return (Assert.Single(engine.GetClusters()), member);
    }

    [Fact]
    public void GetClusters_ThirtyMembersEachSuspicious_RatedCampaign()
    {
        var (off, _) = SuspiciousCohort(suspicious: 30, organic: 0, campaignMembers: 0);
        Assert.True(off.Verdict < Verdict.Campaign, $"precondition: without the rule the cluster is {off.Verdict} ({off.Risk})");

        var (on, member) = SuspiciousCohort(suspicious: 30, organic: 0, campaignMembers: 25);
        Assert.Equal(30, on.SuspiciousMembers);
        Assert.Equal(Verdict.Campaign, on.Verdict);
        Assert.Equal(Verdict.Campaign, member.Verdict); // members take the cluster's verdict on the request path too
    }

    [Theory]
    [InlineData(20, 0)]  // too few suspicious members
    [InlineData(30, 31)] // suspicious members are not half of the cluster
    public void GetClusters_CohortRuleNotMet_NotRatedCampaignByIt(int suspicious, int organic)
    {
        var (cluster, _) = SuspiciousCohort(suspicious, organic, campaignMembers: 25);
        Assert.Equal(suspicious, cluster.SuspiciousMembers);
        Assert.True(cluster.Verdict < Verdict.Campaign, $"{cluster.Verdict} ({cluster.Risk})");
    }

    [Fact]
    public void Observe_LinkageDisabled_NeverClusters()
    {
        var engine = Engine(o => o.Linkage.Enabled = false);
        var card = new ClientAttributes { Payment = 42 };
        var a = Observe(engine, engine.Account(1), card, 0);
        var b = Observe(engine, engine.Account(2), card, 1);
        Assert.False(b.Cluster.IsValid);
        Assert.Empty(engine.GetClusters());
        Assert.Equal(0, engine.ProcessLinkage());
        Assert.Equal(a.Risk, a.AccountRisk);
    }
}
