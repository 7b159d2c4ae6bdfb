namespace AntiDistill;

/// <summary>
/// What one request adds to an account's (and its cluster's) counters, computed once from the
/// features and the observation: the account update and the linkage queue both consume it.
/// </summary>
internal readonly struct RequestSummary
{
    [Flags]
    public enum Kinds : byte
    {
        None = 0,
        ChainOfThought = 1,
        Grading = 2,
        Hungry = 4,
        SingleTurn = 8,
        TraceHarvest = 16,

        /// <summary>The request declares tools: an agent loop's step, whose pace is a machine's by nature.</summary>
        Tools = 32,

        /// <summary>The request continues a conversation the server keeps (<see cref="Observation.ContinuesConversation"/>).</summary>
        Continues = 64,
    }

    public RequestSummary(long timestampMs, in PromptFeatures features, scoped in Observation request, int highOutputBudget)
    {
        TimestampMs = timestampMs;
        TurnCount = request.TurnCount;
        Category = features.Category;
        bool bigBudget = request.MaxOutputTokens >= highOutputBudget;
        bool singleTurn = request.TurnCount <= 1 && !request.ContinuesConversation;

        // Reasoning is asked for by the switch, by phrasing, or implicitly: a large budget on a math, reasoning,
        // coding or grading item gets a worked solution whatever the wording, so harvesters need not say it.
        bool asksReasoning = request.ReasoningRequested
            || (features.Families & (ElicitationFamilies.ChainOfThought | ElicitationFamilies.Grading)) != 0
            || features.Category is Capability.Math or Capability.Reasoning or Capability.Coding or Capability.Grading;

        var kinds = Kinds.None;
        kinds |= features.ElicitsChainOfThought ? Kinds.ChainOfThought : 0;
        kinds |= features.ElicitsGrading ? Kinds.Grading : 0;
        kinds |= request.ReasoningRequested || bigBudget ? Kinds.Hungry : 0;
        kinds |= singleTurn ? Kinds.SingleTurn : 0;
        kinds |= request.ToolCount > 0 ? Kinds.Tools : 0;
        kinds |= request.ContinuesConversation ? Kinds.Continues : 0;
        kinds |= singleTurn && asksReasoning && (bigBudget || (request.ReasoningRequested && request.MaxOutputTokens == 0)) ? Kinds.TraceHarvest : 0;
        Flags = kinds;
    }

    public long TimestampMs { get; }

    /// <summary>The request's conversation turns (<see cref="Observation.TurnCount"/>).</summary>
    public int TurnCount { get; }

    public Kinds Flags { get; }

    public Capability Category { get; }

    public bool Has(Kinds kind) => (Flags & kind) != 0;
}
