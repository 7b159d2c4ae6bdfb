using AntiDistill.Simulation;

namespace AntiDistill.Cli.Simulate;

/// <summary>
/// The traffic <c>antidistill simulate</c> writes: every threat and false-positive trap of DESIGN.md, at
/// account counts that scale together. At scale 1 (seven days, seed 1) about 2,000 organic and 530 campaign
/// accounts send about 200,000 requests (545 MB); casual users idle all week send nothing and do not appear.
/// </summary>
internal static class SimulationMix
{
    /// <summary>Organic populations and their accounts at scale 1.</summary>
    private static readonly (Func<Population> Create, int Accounts)[] Organic =
    [
        (() => new OrganicCasual(), 1500),
        (() => new OrganicNatGroup { Addresses = 3 }, 150),   // a campus behind three addresses
        (() => new OrganicNatGroup { Addresses = 1 }, 120),   // a carrier-grade NAT: one address
        (() => new OrganicVpnUser(), 150),
        (() => new OrganicHeavyUser(), 20),
        (() => new OrganicCodingAgent { Format = ApiFormat.AnthropicMessages }, 40),
        (() => new OrganicCodingAgent { Format = ApiFormat.OpenAIResponses }, 20),
        (() => new OrganicBatchJob(), 6),
        (() => new OrganicBenchmarkEvaluator(), 10),
    ];

    /// <summary>Teams: each part is its own company (one card, one org), so several parts of a few accounts.</summary>
    private const int Teams = 8;

    private const int AccountsPerTeam = 6;

    private static readonly (Func<Population> Create, int Accounts)[] Campaigns =
    [
        (() => new CampaignHydra(), 300),
        (() => new CampaignAgenticHarvest(), 100),
        (() => new CampaignCamouflaged(), 100),
        (() => new CampaignCotSweep(), 20),
        (() => new CampaignGradingSweep(), 10),
    ];

    /// <summary>
    /// Added after the others, so that every earlier part keeps its place and therefore its random stream (each part's
    /// Random derives from the seed and its index): the older populations' traffic stays what it was.
    /// </summary>
    private static readonly (Func<Population> Create, int Accounts)[] QuietWorld =
    [
        // The organic traffic the quiet campaigns would be confused with.
        (() => new OrganicLongAnswers(), 300),
        (() => new OrganicStudent(), 150),
        (() => new OrganicManualEval(), 20),
        (() => new OrganicTemplatePaster(), 200),

        // Quiet campaigns: aged accounts that share nothing but the scheduler, each following a published recipe.
        (() => new CampaignExplanationTuning(), 150),
        (() => new CampaignSelfInstruct(), 150),
        (() => new CampaignTaskSweep(), 150),
        (() => new CampaignToolTrajectories(), 150),

        // A red-team family whose scheduler imitates people's sittings (appended last: the others keep their streams).
        (() => new CampaignDialogueHarvest(), 150),

        // Its organic look-alike: people in long conversations who ask for depth (appended after it, for the same reason).
        (() => new OrganicDeepDive(), 300),

        // The same recipe through a pipeline that waits for each answer's stream to end: time between turns follows the answer's length.
        (() => new CampaignDialogueHarvest { WaitsForAnswer = true }, 150),

        // The task sweep behind a scheduler that imitates people's days: only what the accounts ask and take away is left.
        (() => new CampaignTaskSweep { PersonaSchedule = true }, 150),

        // The dialogue recipe with three workers sharing each account: the turns of three dialogues interleave.
        (() => new CampaignDialogueHarvest { Parallel = 3 }, 150),

        // A trap for the schedule signals: people calling the model from a work tool through office hours, weekday after weekday.
        (() => new OrganicOfficeTool(), 150),
    ];

    /// <summary>Populations every mix contains (the truth file lists them even at tiny scales).</summary>
    public static IReadOnlyList<string> PopulationNames { get; } =
    [
        "organic_casual", "organic_nat", "organic_vpn", "organic_heavy", "organic_coding_agent", "organic_batch_job",
        "organic_benchmark_eval", "organic_long_answers", "organic_student", "organic_manual_eval", "organic_template_paster",
        "organic_team", "campaign_hydra", "campaign_agentic", "campaign_camouflaged", "campaign_cot_sweep", "campaign_grading_sweep",
        "campaign_explanation_tuning", "campaign_self_instruct", "campaign_task_sweep", "campaign_tool_trajectories",
        "campaign_dialogue_harvest", "organic_deep_dive", "campaign_dialogue_streamed", "campaign_persona_sweep",
        "campaign_dialogue_parallel", "organic_office_tool",
    ];

    /// <summary>The scenario at <paramref name="scale"/> times the scale-1 account counts (each population keeps at least one account).</summary>
    public static Scenario Create(double scale)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        var scenario = new Scenario();
        foreach (var (create, accounts) in Organic)
        {
            scenario.Add(create(), Scaled(accounts, scale));
        }

        for (int t = 0, teams = Math.Max(1, (int)Math.Round(Teams * scale)); t < teams; t++)
        {
            scenario.Add(new OrganicTeam(), AccountsPerTeam);
        }

        foreach (var (create, accounts) in Campaigns.Concat(QuietWorld))
        {
            scenario.Add(create(), Scaled(accounts, scale));
        }

        return scenario;
    }

    private static int Scaled(int accounts, double scale) => Math.Max(1, (int)Math.Round(accounts * scale));
}
