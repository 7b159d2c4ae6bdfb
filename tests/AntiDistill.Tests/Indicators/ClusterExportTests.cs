using AntiDistill.Simulation;

namespace AntiDistill.Tests.Indicators;

/// <summary>The engine-side export: a running engine's cluster leaves as a campaign another provider's engine matches.</summary>
public sealed class ClusterExportTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ExportCluster_HydraInRunningEngine_AnotherProvidersEngineFlagsItsAccountsOnFirstRequest()
    {
        // Provider A: one half of a hydra with organic users around it; provider B: the other half, under another key.
        var world = new Scenario().Add(new CampaignHydra(), 60).Add(new OrganicCasual(), 60);
        var traffic = world.Generate(7, PromptLibrary.BuiltIn(7), Start, TimeSpan.FromDays(1));
        // A's clock reads the start of the window: B's half of the traffic then falls after the export, as it would online.
        var a = TestEngine.Create(time: new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Start));
        var replayA = new EngineReplay(a);
        foreach (var request in traffic.Where(r => ProviderSplit.Of(r.Account, 2) == 0))
        {
            replayA.Observe(request);
        }

        var hydra = a.GetClusters().MaxBy(c => c.Accounts.Count)!;
        Assert.Equal(Verdict.Campaign, hydra.Verdict);
        var campaign = a.ExportCluster(hydra.Id, "Provider A", TimeSpan.FromDays(30));
        Assert.NotNull(campaign);
        Assert.Contains(campaign.Indicators, i => i.Kind is IndicatorKind.PromptOpeningFrame or IndicatorKind.PromptClosingFrame);
        Assert.All(campaign.Indicators, i => Assert.True(i.Kind <= IndicatorKind.SystemPrompt, i.Kind.ToString()));
        Assert.Equal(hydra.Accounts.Count, campaign.Accounts);

        byte[] bundle = StixBundleWriter.ToUtf8(new IndicatorBundle { Producer = "Provider A", Created = Start, Campaigns = [campaign] });
        var b = new DistillationEngine(new AntiDistillationOptions { IdentityKey = Convert.ToBase64String(Enumerable.Repeat((byte)9, 32).ToArray()) });
        b.Indicators = IndicatorSet.Compile([new IndicatorFeedContent([.. StixBundleReader.Read(bundle).Indicators], 1)], b.Identities);
        var replayB = new EngineReplay(b);
        var first = new Dictionary<string, Verdict>();
        foreach (var request in traffic.Where(r => ProviderSplit.Of(r.Account, 2) == 1))
        {
            var assessment = replayB.Observe(request);
            first.TryAdd(request.Account, assessment.Verdict);
        }

        var hydraB = first.Where(kv => kv.Key.StartsWith("campaign_hydra", StringComparison.Ordinal)).ToList();
        var organicB = first.Where(kv => kv.Key.StartsWith("organic", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(hydraB);
        Assert.All(hydraB, kv => Assert.True(kv.Value >= Verdict.Suspicious, kv.Key));
        Assert.All(organicB, kv => Assert.Equal(Verdict.Organic, kv.Value));
    }

    [Fact]
    public void ExportCluster_UnknownCluster_Null()
    {
        Assert.Null(TestEngine.Create().ExportCluster(new ClusterId(42), "Provider A", TimeSpan.FromDays(1)));
    }
}
