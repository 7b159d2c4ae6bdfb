using AntiDistill.Simulation;

namespace AntiDistill.Tests.Linkage;

/// <summary>
/// Template cohorts: a low-and-slow campaign whose accounts each hide one sweep template among cover conversations
/// is caught across accounts, while evaluators and power users who repeat a public dataset's frames are not.
/// </summary>
public class TemplateCohortScenarioTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The model without the daily-pacing evidence (<see cref="RiskSignal.ScheduledPacing"/>, <see cref="RiskSignal.AroundTheClock"/>),
    /// which catches most of this campaign's accounts on their own schedule: these tests are about what the cohort adds.
    /// </summary>
    private static void WithoutPacing(AntiDistillationOptions o)
    {
        o.Risk.Weights.ScheduledPacing = 0;
        o.Risk.Weights.AroundTheClock = 0;
    }

    private static (Dictionary<string, (string Population, bool Flagged)> Accounts, DistillationEngine Engine) Replay(Scenario scenario, TimeSpan duration, int seed = 11)
    {
        var engine = TestEngine.Create(WithoutPacing);
        var replay = new EngineReplay(engine);
        var accounts = new Dictionary<string, (string Population, bool Flagged)>();
        foreach (var request in scenario.Generate(seed, PromptLibrary.BuiltIn(seed), Start, duration))
        {
            var a = replay.Observe(request);
            bool flagged = a.Verdict != Verdict.Organic || (accounts.TryGetValue(request.Account, out var o) && o.Flagged);
            accounts[request.Account] = (request.Population, flagged);
        }

        return (accounts, engine);
    }

    [Fact]
    public void Observe_CamouflagedCampaignAmongEvaluatorsAndPowerUsers_CohortsFlaggedOthersNot()
    {
        var scenario = new Scenario()
            .Add(new CampaignCamouflaged(), 60)
            .Add(new OrganicBenchmarkEvaluator(), 10)
            .Add(new OrganicHeavyUser(), 10)
            .Add(new OrganicCasual(), 200);
        var (accounts, engine) = Replay(scenario, TimeSpan.FromDays(5));

        var camouflaged = accounts.Values.Where(a => a.Population == "campaign_camouflaged").ToList();
        int flagged = camouflaged.Count(a => a.Flagged);
        var organicFlagged = accounts.Where(kv => !kv.Value.Population.StartsWith("campaign", StringComparison.Ordinal) && kv.Value.Flagged).Select(kv => kv.Key).ToList();

        // Three of the five sweep wrappers have six fixed words at one end; each cohort is one cluster.
        var cohorts = engine.GetClusters().Where(c => c.SharedTemplateRisk > 0).ToList();
        Assert.True(cohorts.Count >= 2, $"{cohorts.Count} template cohorts");
        Assert.All(cohorts, c => Assert.True(c.Evidence.ContainsKey(LinkKind.PromptFrame) && c.Verdict != Verdict.Organic, $"{c.Id}: {c.Verdict}"));
        Assert.True(flagged >= camouflaged.Count / 2, $"{flagged} of {camouflaged.Count} camouflaged accounts flagged");
        Assert.Empty(organicFlagged);
    }

    [Fact]
    public void Observe_CamouflagedCampaignWithCohortsOff_MostlyMissed()
    {
        // The same campaign, scored account by account: the cover conversations dilute every sweep below the threshold.
        // Guards the test above against passing for a reason other than the cohort.
        var engine = TestEngine.Create(o =>
        {
            WithoutPacing(o);
            o.Linkage.TemplateCohortAccounts = 32;
        });
        var replay = new EngineReplay(engine);
        var flagged = new HashSet<string>();
        var all = new HashSet<string>();
        foreach (var request in new Scenario().Add(new CampaignCamouflaged(), 60).Generate(11, PromptLibrary.BuiltIn(11), Start, TimeSpan.FromDays(5)))
        {
            all.Add(request.Account);
            if (replay.Observe(request).Verdict != Verdict.Organic)
            {
                flagged.Add(request.Account);
            }
        }

        Assert.True(flagged.Count < all.Count / 2, $"{flagged.Count} of {all.Count} flagged without cohorts");
    }
}
