namespace AntiDistill.Simulation;

/// <summary>
/// Explanation tuning (the Orca recipe, Mukherjee et al. 2023): items from public task collections (FLAN
/// chain-of-thought, BIG-Bench Hard, user-oriented instructions) sent under system messages that ask the model to
/// explain, justify and reason step by step, so each answer carries the teacher's full explanation. The student model
/// is trained on those explanations. Quiet: see <see cref="QuietOperator"/>.
/// </summary>
public sealed class CampaignExplanationTuning : QuietOperator
{
    // Written for this simulator in the style of the recipe's system messages (not copied from any dataset).
    private static readonly string[] SystemMessages =
    [
        "You are an AI assistant. You will be given a task. Complete it as faithfully as you can, and explain your reasoning as you go, justifying each step.",
        "You are a helpful assistant who always explains the answer. Think through the task step-by-step before you answer, then justify the final answer.",
        "You are a teacher. Given a task, explain in simple steps what it asks, the guidelines it gives, and how you use them to find the answer.",
        "You are an AI assistant that helps people find information. Provide a detailed answer so the user does not need to search elsewhere to understand it.",
        "User will give you a task with some instruction. Your job is to follow the instructions as faithfully as you can. While answering, think step by step and justify your answer.",
        "Explain your answer in detail, as if to a five year old, and make sure every step of your reasoning is written out.",
    ];

    private static readonly PromptKind[] Items = [PromptKind.Reasoning, PromptKind.Reasoning, PromptKind.Reasoning, PromptKind.Math, PromptKind.Organic];

    /// <summary>The family's own scheduler.</summary>
    public CampaignExplanationTuning()
    {
        WindowStartHour = 9;
        WindowHours = 9;
        RequestsPerDay = 5;
        OperatorUtcOffset = 8;
        HarvestBudget = 2048;
    }

    /// <inheritdoc />
    public override string Name => "campaign_explanation_tuning";

    /// <inheritdoc />
    protected override SimulatedRequest Harvest(PopulationContext context, string account, DateTimeOffset at, Random rng) =>
        Request(account, at, context.Prompts.Pick(Items[rng.Next(Items.Length)], rng)) with
        {
            SystemPrompt = SystemMessages[rng.Next(SystemMessages.Length)],
            MaxOutputTokens = HarvestBudget,
        };
}
