namespace AntiDistill;

/// <summary>
/// One request as the engine sees it: who sent it, from where, when, and what it asked.
/// </summary>
/// <remarks>
/// A <c>ref struct</c> so that the prompt can point straight into the request buffer (the middleware's
/// pooled body, the analyzer's line buffer) without a copy or a string. Identities are keyed hashes
/// made with <see cref="IdentityHasher"/>, so nothing the engine keeps can be mapped back to a customer
/// without the host's secret.
/// </remarks>
public readonly ref struct Observation
{
    /// <summary>The account that owns the API key. Required.</summary>
    public AccountId Account { get; init; }

    /// <summary>Keyed hash of the API key used, or 0 when unknown.</summary>
    public ulong ApiKey { get; init; }

    /// <summary>Keyed hash of the organization or workspace, or 0 when unknown.</summary>
    public ulong Organization { get; init; }

    /// <summary>Where the request came from and what the host knows about the account.</summary>
    public ClientAttributes Client { get; init; }

    /// <summary>
    /// When the request was received. <c>default</c> means "now": the engine then reads its
    /// <see cref="TimeProvider"/> (online). Offline replays pass the log's timestamp.
    /// </summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>The prompt (the last user turn, or all user content) as UTF-8 bytes. Invalid UTF-8 is tolerated.</summary>
    public ReadOnlySpan<byte> Prompt { get; init; }

    /// <summary>The system prompt or instructions as UTF-8 bytes; empty when there is none.</summary>
    public ReadOnlySpan<byte> SystemPrompt { get; init; }

    /// <summary>How many tools (functions) the request declares.</summary>
    public int ToolCount { get; init; }

    /// <summary>How many conversation turns (messages other than the system prompt) the request carries; 1 for a single-turn request.</summary>
    public int TurnCount { get; init; }

    /// <summary>The requested output budget (<c>max_tokens</c>, <c>max_output_tokens</c>), or 0 when absent.</summary>
    public int MaxOutputTokens { get; init; }

    /// <summary>Whether extended reasoning / thinking was requested.</summary>
    public bool ReasoningRequested { get; init; }

    /// <summary>
    /// Whether the request continues a conversation the server keeps (OpenAI Responses <c>previous_response_id</c> or
    /// <c>conversation</c>), so that <see cref="TurnCount"/> shows only the new turns: it is then no single-turn request,
    /// and it is the next turn of the account's previous exchange.
    /// </summary>
    public bool ContinuesConversation { get; init; }

    /// <summary>
    /// A key for the conversation the request belongs to, the same on each of its turns; 0 when unknown. The request
    /// readers key a conversation by its first user message (a request that continues a conversation the server keeps
    /// gets 0). It tells the turns of conversations run side by side on one account apart
    /// (<see cref="RiskSignal.RushedFollowUps"/>); with 0, a request is taken as the next turn of the account's latest one.
    /// </summary>
    public ulong Conversation { get; init; }
}
