namespace AntiDistill.Requests;

/// <summary>
/// The parts of one API request the engine scores, read from its JSON body into reusable buffers:
/// the last user message and the system prompt as unescaped UTF-8, and the request's parameters.
/// One instance per concurrent reader (pool it or keep one per thread); <see cref="Reset"/> before reuse.
/// </summary>
/// <remarks>No strings are built: text is copied (and unescaped) straight from the body into buffers that
/// grow to the largest request seen and are then reused, so steady-state reading allocates nothing.</remarks>
public sealed class RequestContent
{
    private byte[] _prompt = new byte[1024];
    private byte[] _system = new byte[256];
    private int _promptLength;
    private int _systemLength;

    /// <summary>The format the body was read as.</summary>
    public RequestFormat Format { get; set; }

    /// <summary>The text of the last user message (text parts joined by a line feed), UTF-8.</summary>
    public ReadOnlySpan<byte> Prompt => _prompt.AsSpan(0, _promptLength);

    /// <summary>The system prompt or instructions (blocks joined by a line feed), UTF-8; empty when absent.</summary>
    public ReadOnlySpan<byte> SystemPrompt => _system.AsSpan(0, _systemLength);

    /// <summary>Number of tool definitions offered to the model.</summary>
    public int ToolCount { get; set; }

    /// <summary>Number of conversation turns sent (user, assistant and tool messages), at least 1 when a prompt was read.</summary>
    public int TurnCount { get; set; }

    /// <summary>The requested output budget in tokens, 0 when the body sets none.</summary>
    public int MaxOutputTokens { get; set; }

    /// <summary>Whether the request turns reasoning / extended thinking on.</summary>
    public bool ReasoningRequested { get; set; }

    /// <summary>Whether the client asked for a streamed response.</summary>
    public bool Stream { get; set; }

    /// <summary>
    /// Whether the request continues a conversation the server keeps (OpenAI Responses <c>previous_response_id</c> or
    /// <c>conversation</c>): its own turns do not show the history.
    /// </summary>
    public bool ContinuesConversation { get; set; }

    /// <summary>The conversation's key (<see cref="Observation.Conversation"/>): a hash of its first user message; 0 when unknown.</summary>
    public ulong Conversation { get; set; }

    /// <summary>Clears everything; the buffers are kept for the next request.</summary>
    public void Reset()
    {
        Format = RequestFormat.Unknown;
        _promptLength = 0;
        _systemLength = 0;
        ToolCount = 0;
        TurnCount = 0;
        MaxOutputTokens = 0;
        ReasoningRequested = false;
        Stream = false;
        ContinuesConversation = false;
        Conversation = 0;
    }

    /// <summary>Starts a new user message: the prompt is always the last one.</summary>
    public void ClearPrompt() => _promptLength = 0;

    /// <summary>Appends UTF-8 text to the prompt, separated from earlier parts by a line feed.</summary>
    public void AppendPrompt(ReadOnlySpan<byte> utf8) => Append(ref _prompt, ref _promptLength, utf8);

    /// <summary>Appends UTF-8 text to the system prompt, separated from earlier blocks by a line feed.</summary>
    public void AppendSystemPrompt(ReadOnlySpan<byte> utf8) => Append(ref _system, ref _systemLength, utf8);

    /// <summary>Reserves room for <paramref name="length"/> more prompt bytes (after a separator) for a reader that unescapes in place; commit with <see cref="CommitPrompt"/>.</summary>
    public Span<byte> ReservePrompt(int length) => Reserve(ref _prompt, ref _promptLength, length);

    /// <summary>Commits <paramref name="written"/> bytes of the span returned by <see cref="ReservePrompt"/>.</summary>
    public void CommitPrompt(int written) => _promptLength += written;

    /// <summary>Reserves room for <paramref name="length"/> more system-prompt bytes (after a separator); commit with <see cref="CommitSystemPrompt"/>.</summary>
    public Span<byte> ReserveSystemPrompt(int length) => Reserve(ref _system, ref _systemLength, length);

    /// <summary>Commits <paramref name="written"/> bytes of the span returned by <see cref="ReserveSystemPrompt"/>.</summary>
    public void CommitSystemPrompt(int written) => _systemLength += written;

    /// <summary>Builds the observation the engine scores, pointing at this instance's buffers (valid until the next <see cref="Reset"/>).</summary>
    public Observation ToObservation(AccountId account, in ClientAttributes client, DateTimeOffset timestamp, ulong apiKey = 0, ulong organization = 0) => new()
    {
        Account = account,
        ApiKey = apiKey,
        Organization = organization,
        Client = client,
        Timestamp = timestamp,
        Prompt = Prompt,
        SystemPrompt = SystemPrompt,
        ToolCount = ToolCount,
        TurnCount = TurnCount,
        MaxOutputTokens = MaxOutputTokens,
        ReasoningRequested = ReasoningRequested,
        ContinuesConversation = ContinuesConversation,
        Conversation = Conversation,
    };

    private static void Append(ref byte[] buffer, ref int length, ReadOnlySpan<byte> utf8)
    {
        var target = Reserve(ref buffer, ref length, utf8.Length);
        utf8.CopyTo(target);
        length += utf8.Length;
    }

    private static Span<byte> Reserve(ref byte[] buffer, ref int length, int count)
    {
        if (length > 0)
        {
            Grow(ref buffer, length, 1 + count);
            buffer[length++] = (byte)'\n';
        }
        else
        {
            Grow(ref buffer, length, count);
        }

        return buffer.AsSpan(length, count);
    }

    private static void Grow(ref byte[] buffer, int length, int extra)
    {
        var needed = (long)length + extra;
        if (needed <= buffer.Length)
        {
            return;
        }

        // Buffers only grow (to the largest request seen): a reused instance reaches steady state quickly.
        var size = (int)Math.Min(Array.MaxLength, Math.Max(needed, (long)buffer.Length * 2));
        var grown = GC.AllocateUninitializedArray<byte>(size);
        buffer.AsSpan(0, length).CopyTo(grown);
        buffer = grown;
    }
}
