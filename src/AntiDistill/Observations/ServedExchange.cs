namespace AntiDistill;

/// <summary>
/// The served half of one exchange: what the model gave back to a request the engine already observed. What a
/// distiller takes away is the response (output tokens, and above all reasoning tokens), so this is evidence a
/// harvester cannot avoid by changing its prompts.
/// </summary>
/// <remarks>
/// Online, the middleware reports it when the response completes (read from the response's <c>usage</c>, streamed or
/// not); offline, the analyzer reports it from the log's <c>input_tokens</c>, <c>output_tokens</c>,
/// <c>reasoning_tokens</c> and <c>status</c>. Counts that are unknown are 0; a negative count is read as 0.
/// </remarks>
public readonly struct ServedExchange
{
    /// <summary>The account the request was observed for. Required.</summary>
    public AccountId Account { get; init; }

    /// <summary>When the response completed; <c>default</c> means "now" (the engine's <see cref="TimeProvider"/>).</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>The HTTP status the client received (200 for a served answer); 0 when unknown.</summary>
    public int Status { get; init; }

    /// <summary>Prompt tokens the model billed (<c>prompt_tokens</c>, <c>input_tokens</c>); 0 when unknown.</summary>
    public int InputTokens { get; init; }

    /// <summary>Output tokens served, reasoning included (<c>completion_tokens</c>, <c>output_tokens</c>); 0 when unknown.</summary>
    public int OutputTokens { get; init; }

    /// <summary>
    /// Of <see cref="OutputTokens"/>, how many were reasoning (<c>reasoning_tokens</c>, thinking); 0 when none or unknown.
    /// </summary>
    public int ReasoningTokens { get; init; }

    /// <summary>
    /// The request's <see cref="Observation.Conversation"/>, so that the answer is counted in its own conversation when
    /// several are in flight on one account; 0: the account's latest request.
    /// </summary>
    public ulong Conversation { get; init; }

    /// <summary>Reasoning tokens the host withheld from the client (stripped from the response); they were not taken away.</summary>
    public int ReasoningTokensWithheld { get; init; }
}
