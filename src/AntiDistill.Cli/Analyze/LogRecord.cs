namespace AntiDistill.Cli.Analyze;

/// <summary>How a record's prompt was obtained.</summary>
internal enum PromptSource : byte
{
    /// <summary>Read from <c>body</c> by <see cref="AntiDistill.Requests.RequestBodyReader"/>.</summary>
    Body,

    /// <summary>The record's <c>prompt</c> string.</summary>
    PromptField,

    /// <summary>The body could not be read (unknown format) and there was no <c>prompt</c>: scored on timing and client alone.</summary>
    None,
}

/// <summary>
/// One parsed log line, compact enough to sit in the reorder window: identities already hashed and the
/// prompt already reduced to its features on a parsing thread, so replay touches no text at all.
/// </summary>
internal struct LogRecord
{
    public long Line;
    public long TimestampTicks;
    public AccountId Account;

    /// <summary>Where the account name's UTF-8 bytes sit in the batch's name arena.</summary>
    public int NameStart;

    /// <summary>The account's row in the <see cref="AccountTable"/>, set when replay takes the record.</summary>
    public int AccountIndex;

    public int NameLength;
    public ulong ApiKey;
    public ulong Organization;
    public ClientAttributes Client;
    public int ToolCount;
    public int TurnCount;
    public int MaxOutputTokens;
    public bool Reasoning;
    public bool ContinuesConversation;

    /// <summary>The conversation's key from the body (<see cref="Observation.Conversation"/>); 0 for a prompt-only record.</summary>
    public ulong Conversation;
    public PromptSource Source;
    public PromptFeatures Features;

    /// <summary>The served half (<c>input_tokens</c>, <c>output_tokens</c>, <c>reasoning_tokens</c>, <c>status</c>).</summary>
    public ServedFields Served;
}

/// <summary>The response's usage and status as the log recorded them; absent fields are 0.</summary>
internal struct ServedFields
{
    /// <summary>Whether the line carried any of the served fields: without them there is nothing to tell the engine.</summary>
    public bool Present;
    public int Status;
    public int InputTokens;
    public int OutputTokens;
    public int ReasoningTokens;
}
