using AntiDistill.Simulation;

namespace AntiDistill.Testing;

/// <summary>The simulator's population behind each curated kind.</summary>
internal static class Populations
{
    public static Population Of(OrganicUsers kind) => kind switch
    {
        OrganicUsers.Casual => new OrganicCasual(),
        OrganicUsers.HeavyUser => new OrganicHeavyUser(),
        OrganicUsers.CodingAgent => new OrganicCodingAgent(),
        OrganicUsers.BatchJob => new OrganicBatchJob(),
        OrganicUsers.NatGroup => new OrganicNatGroup(),
        OrganicUsers.Team => new OrganicTeam(),
        OrganicUsers.Student => new OrganicStudent(),
        OrganicUsers.BenchmarkEvaluator => new OrganicBenchmarkEvaluator(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a kind of organic users."),
    };

    public static Population Of(Campaigns kind) => kind switch
    {
        Campaigns.ChainOfThoughtSweep => new CampaignCotSweep(),
        Campaigns.GradingSweep => new CampaignGradingSweep(),
        Campaigns.AgenticHarvest => new CampaignAgenticHarvest(),
        Campaigns.Hydra => new CampaignHydra(),
        Campaigns.Camouflaged => new CampaignCamouflaged(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a kind of campaign."),
    };
}
