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

    /// <summary>The scenario the defaults are fitted on; <paramref name="full"/> adds the quiet campaign families and their organic look-alikes.</summary>
    /// <remarks>
    /// The defaults are fitted without the quiet families: fitted with them (see <c>calibration-full.md</c>), the weights
    /// latch onto the hours the families' schedulers keep (<c>around_the_clock</c>), which a scheduler can change, and
    /// flag batch jobs and heavy users; the leave-one-family-out table there shows it. Until the engine has evidence a
    /// quiet operator cannot avoid, the full scenario measures, it does not set the defaults.
    /// </remarks>
    public static Scenario Create(bool full = false) => full ? WithQuietFamilies(Base()) : Base();

    private static Scenario WithQuietFamilies(Scenario scenario) => scenario
        .Add(new OrganicLongAnswers(), 300)
        .Add(new OrganicStudent(), 150)
        .Add(new OrganicManualEval(), 20)
        .Add(new OrganicTemplatePaster(), 200)
        .Add(new CampaignExplanationTuning(), 150)
        .Add(new CampaignSelfInstruct(), 150)
        .Add(new CampaignTaskSweep(), 150)
        .Add(new CampaignToolTrajectories(), 150);

    private static Scenario Base() => new Scenario()
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
