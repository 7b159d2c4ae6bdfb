namespace AntiDistill.Simulation;

/// <summary>What a simulated prompt is about; each kind draws from its own corpora.</summary>
public enum PromptKind
{
    /// <summary>What people type into a chat box: questions, requests, role prompts.</summary>
    Organic,

    /// <summary>Grade-school and competition math problems.</summary>
    Math,

    /// <summary>Logic and multiple-choice reasoning items (BIG-Bench Hard, FLAN CoT).</summary>
    Reasoning,

    /// <summary>Code-writing tasks.</summary>
    Coding,

    /// <summary>Tool-use and function-calling tasks.</summary>
    Agentic,

    /// <summary>Role-play and persona instructions.</summary>
    Roleplay,

    /// <summary>Real software issues, as a coding agent's first turn.</summary>
    Issue,
}
