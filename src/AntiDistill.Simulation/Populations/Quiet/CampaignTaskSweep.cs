namespace AntiDistill.Simulation;

/// <summary>
/// Templated task sweep (the FLAN / instruction-collection recipe): benchmark and task items (GSM8K, BIG-Bench Hard,
/// FLAN chain-of-thought, HumanEval) wrapped in the plain zero-shot templates such collections use ("Q: ... A:",
/// "Question: ... Answer:", "Complete the following function."), no chain-of-thought trigger, one item per request,
/// an ordinary budget. The answers become the student's training targets. Quiet: see <see cref="QuietOperator"/>.
/// </summary>
public sealed class CampaignTaskSweep : QuietOperator
{
    private static readonly string[] Templates =
    [
        "Q: {0}\nA:",
        "Question: {0}\nAnswer:",
        "{0}\n\nAnswer:",
        "Solve the following problem.\n\n{0}",
        "Read the task below and give the answer.\n\n{0}",
        "{0}",
    ];

    private static readonly PromptKind[] Items = [PromptKind.Math, PromptKind.Reasoning, PromptKind.Coding, PromptKind.Issue];

    /// <summary>The family's own scheduler.</summary>
    public CampaignTaskSweep()
    {
        WindowStartHour = 0;
        WindowHours = 24;
        RequestsPerDay = 4;
        OperatorUtcOffset = -5;
        HarvestBudget = 1536;
    }

    /// <inheritdoc />
    /// <remarks>With <see cref="QuietOperator.PersonaSchedule"/>, <c>campaign_persona_sweep</c>: the same recipe behind a scheduler that imitates people's days.</remarks>
    public override string Name => PersonaSchedule ? "campaign_persona_sweep" : "campaign_task_sweep";

    /// <inheritdoc />
    protected override SimulatedRequest Harvest(PopulationContext context, string account, DateTimeOffset at, Random rng)
    {
        var item = context.Prompts.Pick(Items[rng.Next(Items.Length)], rng);
        string text = string.Format(System.Globalization.CultureInfo.InvariantCulture, Templates[rng.Next(Templates.Length)], item.Text);
        return Request(account, at, item with { Text = text }) with { MaxOutputTokens = HarvestBudget };
    }
}
