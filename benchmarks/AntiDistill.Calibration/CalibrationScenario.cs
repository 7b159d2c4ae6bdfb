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

    /// <summary>The scenario the defaults are fitted on: the base traffic, the quiet campaign families and their organic look-alikes.</summary>
    /// <remarks>
    /// Until <c>scheduled_pacing</c> the defaults were fitted without the quiet families: with them, the weights latched
    /// onto the hours the families' schedulers keep (<c>around_the_clock</c> alone), which flagged batch jobs and heavy
    /// users. The engine now measures what their schedulers do to every account (present every day, requests spread
    /// instead of in sittings); fitted beside it, <c>around_the_clock</c> keeps a smaller weight and no organic
    /// population pays for it. Kept out of the fit, recall on the held-out families fell to 65-93%
    /// (<c>calibration.md</c> history), so it stays in. The leave-one-family-out table judges every family.
    /// <c>campaign_dialogue_harvest</c>, written against this evidence, was measured by the quality benchmark but kept out
    /// of the fit while no signal separated it (0% flagged): with it in the mix the fit traded 15-20 points of recall on the
    /// other quiet families for nothing. <c>rushed_follow_ups</c> reads what its user model cannot help (the next question
    /// before the answer could have been read, at a steady pace), so the family and its streamed variant
    /// (<c>campaign_dialogue_streamed</c>) are in the scenario now, beside their look-alike <c>organic_deep_dive</c>, and
    /// judged on the held-out traffic; they are still kept out of the fit (see <c>notFittedFamilies</c> in Program.cs),
    /// and the signal's weight is set by design. <c>organic_office_tool</c> (people using the model from a work tool every
    /// weekday) keeps the quiet operators' schedule: fitted without it, the defaults flagged 81% of it and rated half of it
    /// campaign; with it in the fit, the scheduled quiet families fall to 9-56% (<c>calibration.md</c>), which is the
    /// honest figure for evidence that one account's timing gives.
    /// </remarks>
    public static Scenario Create() => WithQuietFamilies(Base());

    private static Scenario WithQuietFamilies(Scenario scenario) => scenario
        .Add(new OrganicLongAnswers(), 300)
        .Add(new OrganicStudent(), 150)
        .Add(new OrganicManualEval(), 20)
        .Add(new OrganicTemplatePaster(), 200)
        .Add(new CampaignExplanationTuning(), 150)
        .Add(new CampaignSelfInstruct(), 150)
        .Add(new CampaignTaskSweep(), 150)
        .Add(new CampaignToolTrajectories(), 150)
        .Add(new CampaignDialogueHarvest(), 150)
        .Add(new OrganicDeepDive(), 300)
        .Add(new CampaignDialogueHarvest { WaitsForAnswer = true }, 150)
        .Add(new CampaignTaskSweep { PersonaSchedule = true }, 150)
        .Add(new CampaignDialogueHarvest { Parallel = 3 }, 150)
        .Add(new OrganicOfficeTool(), 150);

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
