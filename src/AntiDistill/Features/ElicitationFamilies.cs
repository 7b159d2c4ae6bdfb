namespace AntiDistill;

/// <summary>
/// Families of phrasing that ask a model to reveal its reasoning or to act as a grader. A request can hit
/// several; the account keeps how often each kind occurs.
/// </summary>
[Flags]
public enum ElicitationFamilies : byte
{
    /// <summary>No elicitation phrasing.</summary>
    None = 0,

    /// <summary>"step by step", "think carefully", "let's think".</summary>
    StepByStep = 1,

    /// <summary>"show your reasoning", "internal reasoning", "chain of thought", "thought process".</summary>
    ReasoningDisclosure = 2,

    /// <summary>"reconstruct the reasoning", "explain the reasoning behind this answer".</summary>
    Reconstruction = 4,

    /// <summary>"verify your answer", "double-check each step".</summary>
    SelfVerification = 8,

    /// <summary>"rate the response", "on a scale of 1 to 10", "which response is better", "rubric".</summary>
    Grading = 16,

    /// <summary>Every chain-of-thought family (all but <see cref="Grading"/>).</summary>
    ChainOfThought = StepByStep | ReasoningDisclosure | Reconstruction | SelfVerification,
}
