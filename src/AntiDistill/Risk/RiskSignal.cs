namespace AntiDistill;

/// <summary>The account-level signals the risk model weighs. Each is a number in [0, 1].</summary>
public enum RiskSignal : byte
{
    /// <summary>Share of requests asking for chain-of-thought (step by step, show/reconstruct reasoning).</summary>
    CotElicitation,

    /// <summary>Share of requests asking the model to grade or compare responses.</summary>
    GradingElicitation,

    /// <summary>Share of requests in the account's top harvest capability (math, coding, agentic, reasoning, grading).</summary>
    CapabilityFocus,

    /// <summary>Share of requests that turn reasoning on or ask for a very large output budget.</summary>
    ReasoningHunger,

    /// <summary>Share of single-turn requests (no conversation history).</summary>
    SingleTurn,

    /// <summary>
    /// Share of requests shaped like reasoning-trace harvesting: single-turn, asking for reasoning (by the
    /// reasoning switch, by phrasing, or by being a math, reasoning, coding or grading item) and for a large
    /// output budget, all at once. An evaluator's step-by-step prompt with a short budget is not; a coding
    /// agent's long loop is not.
    /// </summary>
    TraceHarvest,

    /// <summary>Share of requests made from the account's most frequent template.</summary>
    TemplateRepetition,

    /// <summary>Share of prompts unrelated to any of the account's recent ones (PRADA-style novelty).</summary>
    ContentNovelty,

    /// <summary>Regularity of the inter-arrival times: 1 for a metronome, 0 for a person.</summary>
    MachineTiming,

    /// <summary>How evenly the account's requests spread over the 24 hours of the day.</summary>
    AroundTheClock,

    /// <summary>Request volume per active day, on a log scale (1 at 1,000 a day).</summary>
    Volume,

    /// <summary>
    /// Served side: share of answered exchanges that took away a long answer (at least
    /// <see cref="RiskModelOptions.LongAnswerTokens"/> output tokens the client received). What a harvester takes is
    /// the answer, so it cannot keep this low and still harvest; 0 while no response usage is reported.
    /// </summary>
    LongAnswers,

    /// <summary>
    /// Served side: share of answered exchanges whose response carried reasoning (thinking) tokens to the client,
    /// whether or not the request switched reasoning on. Reasoning withheld by the host does not count.
    /// </summary>
    ReasoningTake,

    /// <summary>
    /// How strongly the account's requests matched imported indicators (<see cref="IndicatorSet"/>): the strongest
    /// match so far, weighted by the indicator's confidence, its feed's trust and its kind, fading after it expires.
    /// </summary>
    IndicatorMatch,

    /// <summary>
    /// How much the account's activity looks scheduled rather than lived: present on every day of its span, its
    /// requests spread over the day instead of bunched into sittings (few gaps under
    /// <c>5 minutes</c>). A quiet harvester's scheduler spreads each account's daily quota this way; a person comes
    /// back on some days and then asks several things in a row. Shrunk while the account has few requests or spans
    /// few days; clusters do not see it (a union of members' days says nothing).
    /// </summary>
    ScheduledPacing,

    /// <summary>
    /// Served side: how much the account's follow-ups look written by a machine that does not read. The share of
    /// follow-ups sent before the answer they follow could have been read (at
    /// <see cref="RiskModelOptions.ReadingTokensPerSecond"/>), over follow-ups to answers of at least
    /// <see cref="RiskModelOptions.ReadableAnswerTokens"/> visible tokens, times how steady their pace is (a person's
    /// think time varies several-fold from turn to turn; a multi-turn harvester's user model writes the next question
    /// the moment the answer is in, every turn). Agent loops (tools declared) and regenerated answers are no follow-ups.
    /// Shrunk while few follow-ups were judged; 0 while no response usage is reported; accounts only (clusters and other
    /// nodes do not see it).
    /// </summary>
    RushedFollowUps,
}

/// <summary>Names of the signals as they appear in reports and logs.</summary>
public static class RiskSignalNames
{
    /// <summary>
    /// The number of signals (the length of <see cref="RiskSignal"/>). A property rather than a constant: it grows with
    /// every signal, and a constant would be compiled into hosts' assemblies and go stale when they update the package.
    /// </summary>
    public static int Count => SignalCount;

    /// <summary>The same number as a constant, for the engine's fixed-size buffers (<c>[InlineArray]</c>, <c>stackalloc</c>).</summary>
    internal const int SignalCount = 16;

    /// <summary>The snake_case name used in reports (e.g. <c>cot_elicitation</c>).</summary>
    public static string GetName(RiskSignal signal) => signal switch
    {
        RiskSignal.CotElicitation => "cot_elicitation",
        RiskSignal.GradingElicitation => "grading_elicitation",
        RiskSignal.CapabilityFocus => "capability_focus",
        RiskSignal.ReasoningHunger => "reasoning_hunger",
        RiskSignal.SingleTurn => "single_turn",
        RiskSignal.TraceHarvest => "trace_harvest",
        RiskSignal.TemplateRepetition => "template_repetition",
        RiskSignal.ContentNovelty => "content_novelty",
        RiskSignal.MachineTiming => "machine_timing",
        RiskSignal.AroundTheClock => "around_the_clock",
        RiskSignal.Volume => "volume",
        RiskSignal.LongAnswers => "long_answers",
        RiskSignal.ReasoningTake => "reasoning_take",
        RiskSignal.IndicatorMatch => "indicator_match",
        RiskSignal.ScheduledPacing => "scheduled_pacing",
        RiskSignal.RushedFollowUps => "rushed_follow_ups",
        _ => throw new ArgumentOutOfRangeException(nameof(signal), signal, null),
    };
}
