namespace AntiDistill.Testing;

/// <summary>
/// Kinds of legitimate users, each one of the false-positive traps AntiDistill is calibrated not to flag
/// (the project's <c>AntiDistill.Simulation</c> populations).
/// </summary>
public enum OrganicUsers
{
    /// <summary>People asking varied questions at human pace, a few sessions a day.</summary>
    Casual,

    /// <summary>A single heavy user: many requests, still a person's variety and rhythm.</summary>
    HeavyUser,

    /// <summary>Users of one coding agent: one long system prompt and tool list, agent-loop bursts.</summary>
    CodingAgent,

    /// <summary>A batch job: thousands of requests from one template at machine pace (classification, extraction).</summary>
    BatchJob,

    /// <summary>Unrelated users behind one NAT (a university, a company).</summary>
    NatGroup,

    /// <summary>A team whose accounts share one card and one organization.</summary>
    Team,

    /// <summary>Students asking course questions, some in bursts before a deadline.</summary>
    Student,

    /// <summary>A researcher running a benchmark once through one account.</summary>
    BenchmarkEvaluator,
}

/// <summary>Kinds of distillation campaigns, from published reports (the project's <c>AntiDistill.Simulation</c> populations).</summary>
public enum Campaigns
{
    /// <summary>Chain-of-thought elicitation swept over a capability, from a handful of accounts.</summary>
    ChainOfThoughtSweep,

    /// <summary>Rubric grading requests (reward-model data).</summary>
    GradingSweep,

    /// <summary>Agentic-coding and tool-use task sweeps with one scaffold system prompt.</summary>
    AgenticHarvest,

    /// <summary>A hydra cluster: many accounts each under per-account thresholds, sharing cards and networks.</summary>
    Hydra,

    /// <summary>Harvesting mixed into realistic cover traffic.</summary>
    Camouflaged,
}
