using AntiDistill.Simulation;

namespace AntiDistill.Tests.Linkage;

/// <summary>The linkage acceptance scenarios: hydras are clustered and rated campaign early; NATs, teams and agent users are not.</summary>
public class LinkageScenarioTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    private sealed record Outcome(string Population, int Requests, int? FirstCampaign, ClusterId Cluster, Verdict Last, float MaxRisk);

    private static Dictionary<string, Outcome> Replay(Scenario scenario, TimeSpan duration, int seed = 7) => Replay(scenario, duration, TestEngine.Create(), seed);

    private static Dictionary<string, Outcome> Replay(Scenario scenario, TimeSpan duration, DistillationEngine engine, int seed = 7)
    {
        var traffic = scenario.Generate(seed, PromptLibrary.BuiltIn(seed), Start, duration);
        var replay = new EngineReplay(engine);
        var outcomes = new Dictionary<string, Outcome>();
        foreach (var request in traffic)
        {
            var a = replay.Observe(request);
            outcomes.TryGetValue(request.Account, out var o);
            int n = (o?.Requests ?? 0) + 1;
            outcomes[request.Account] = new Outcome(
                request.Population,
                n,
                o?.FirstCampaign ?? (a.Verdict == Verdict.Campaign ? n : null),
                a.Cluster,
                a.Verdict,
                Math.Max(o?.MaxRisk ?? 0, a.Risk));
        }

        return outcomes;
    }

    [Fact]
    public void Observe_HydraSharingCardsRoundRobin_ClusteredAndCampaignBeforeTwentiethRequest()
    {
        var outcomes = Replay(new Scenario().Add(new CampaignHydra(), 500), TimeSpan.FromDays(1.5));
        var hydra = outcomes.Values.ToList();
        int early = hydra.Count(o => o.FirstCampaign is < 20 && o.Cluster.IsValid);
        Assert.True(hydra.Count >= 495, $"only {hydra.Count} hydra accounts sent traffic");
        Assert.True(early >= hydra.Count * 0.99, $"{early} of {hydra.Count} hydra accounts clustered and campaign before request 20");
    }

    [Fact]
    public void GetClusters_Hydra_CoversMoreContentTogetherThanAnyMember()
    {
        var engine = TestEngine.Create();
        Replay(new Scenario().Add(new CampaignHydra(), 100), TimeSpan.FromDays(1), engine);
        var hydra = engine.GetClusters().MaxBy(c => c.Accounts.Count)!;
        Assert.True(hydra.Accounts.Count >= 95, $"{hydra.Accounts.Count} accounts in the largest cluster");
        Assert.True(hydra.DistinctContent.Cluster > 5 * hydra.DistinctContent.LargestMember, hydra.DistinctContent.ToString());
        Assert.Equal(Verdict.Campaign, hydra.Verdict);
    }

    [Fact]
    public void Observe_AgenticHarvestInWaves_ClusteredAndCampaignBeforeTwentiethRequest()
    {
        var outcomes = Replay(new Scenario().Add(new CampaignAgenticHarvest(), 200), TimeSpan.FromDays(2));
        var accounts = outcomes.Values.ToList();
        int early = accounts.Count(o => o.FirstCampaign is < 20 && o.Cluster.IsValid);
        Assert.True(early >= accounts.Count * 0.99, $"{early} of {accounts.Count} agentic-harvest accounts clustered and campaign before request 20");
    }

    [Fact]
    public void Observe_NatTeamCodingAgentAndBatchJob_StayOrganic()
    {
        var scenario = new Scenario()
            .Add(new OrganicNatGroup { Addresses = 3 }, 150)
            .Add(new OrganicTeam(), 15)
            .Add(new OrganicCodingAgent(), 300)
            .Add(new OrganicBatchJob { RequestsPerJob = 2000 }, 1);
        var outcomes = Replay(scenario, TimeSpan.FromDays(2));

        var campaign = outcomes.Where(kv => kv.Value.FirstCampaign is not null).Select(kv => kv.Key).ToList();
        Assert.True(campaign.Count <= outcomes.Count / 1000, $"organic accounts rated campaign: {string.Join(", ", campaign)}");

        // The team does share a card: it may be one cluster, and that cluster is judged organic.
        var team = outcomes.Values.Where(o => o.Population == "organic_team").ToList();
        Assert.All(team, o => Assert.Equal(Verdict.Organic, o.Last));

        // Hubs link nobody: NAT neighbours and agent users are not pulled into clusters with each other.
        var clusteredNat = outcomes.Values.Count(o => o.Population == "organic_nat" && o.Cluster.IsValid);
        var clusteredAgents = outcomes.Values.Count(o => o.Population == "organic_coding_agent" && o.Cluster.IsValid);
        Assert.True(clusteredNat == 0, $"{clusteredNat} NAT accounts clustered");
        Assert.True(clusteredAgents == 0, $"{clusteredAgents} coding-agent users clustered");
    }
}
