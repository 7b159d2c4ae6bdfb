namespace AntiDistill.Simulation;

/// <summary>
/// Tool-use trajectory harvesting (the Toolformer / ToolBench / Glaive function-calling recipes): tool-use queries
/// from public tool-call collections, each sent single-turn with a handful of declared functions, so the answers are
/// the teacher's tool selection and arguments. Quiet: see <see cref="QuietOperator"/>.
/// </summary>
public sealed class CampaignToolTrajectories : QuietOperator
{
    /// <summary>The family's own scheduler.</summary>
    public CampaignToolTrajectories()
    {
        WindowStartHour = 17;
        WindowHours = 7;
        RequestsPerDay = 6;
        OperatorUtcOffset = 1;
        HarvestBudget = 4096;
    }

    /// <inheritdoc />
    public override string Name => "campaign_tool_trajectories";

    /// <inheritdoc />
    protected override SimulatedRequest Harvest(PopulationContext context, string account, DateTimeOffset at, Random rng) =>
        Request(account, at, context.Prompts.Pick(PromptKind.Agentic, rng)) with
        {
            ToolCount = 2 + rng.Next(6),
            MaxOutputTokens = HarvestBudget,
        };
}
