namespace AntiDistill;

/// <summary>What a request exercises. Distillation sweeps concentrate on a few of these.</summary>
public enum Capability : byte
{
    /// <summary>Questions, conversation, anything that is not one of the others.</summary>
    ChitChat = 0,

    /// <summary>Arithmetic, word problems, proofs.</summary>
    Math = 1,

    /// <summary>Writing, fixing or explaining code.</summary>
    Coding = 2,

    /// <summary>Tool use, function calling, multi-step agent tasks.</summary>
    Agentic = 3,

    /// <summary>Logic puzzles, multiple choice, deduction.</summary>
    Reasoning = 4,

    /// <summary>Scoring or comparing responses against a rubric (reward-model data).</summary>
    Grading = 5,

    /// <summary>Stories, poems, role play.</summary>
    Creative = 6,
}
