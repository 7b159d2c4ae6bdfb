using AntiDistill.Simulation;

namespace AntiDistill.Calibration;

/// <summary>The traffic the risk model is fitted on and evaluated against: every trap of DESIGN.md that one account can show, and single-account sweeps.</summary>
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
        .Add(new CampaignCotSweep(), 150)
        .Add(new CampaignGradingSweep(), 40);
}
