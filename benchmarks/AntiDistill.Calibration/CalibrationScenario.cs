using AntiDistill.Simulation;

namespace AntiDistill.Calibration;

/// <summary>
/// The traffic the risk model is fitted on and evaluated against: every false-positive trap of DESIGN.md
/// and the campaigns (single-account sweeps, a hydra, an agentic harvest). The fit uses each account's own
/// signals; the evaluation replays with linkage on, so cluster verdicts count in the detection tables.
/// </summary>
internal static class CalibrationScenario
{
    public static readonly DateTimeOffset Start = new(2026, 4, 6, 0, 0, 0, TimeSpan.Zero);
    public static readonly TimeSpan Duration = TimeSpan.FromDays(7);

    public static Scenario Create() => new Scenario()
        .Add(new OrganicCasual(), 600)
        .Add(new OrganicHeavyUser(), 15)
        .Add(new OrganicCodingAgent(), 120)
        .Add(new OrganicBatchJob(), 8)
        .Add(new OrganicBenchmarkEvaluator(), 20)
        .Add(new OrganicNatGroup(), 150)
        .Add(new OrganicTeam(), 15)
        .Add(new CampaignCotSweep(), 150)
        .Add(new CampaignGradingSweep(), 40)
        .Add(new CampaignHydra(), 300)
        .Add(new CampaignAgenticHarvest(), 100);
}
