namespace AntiDistill.AspNetCore;

/// <summary>The member names and <c>type</c> values the response scanner acts on, as small ids (one byte a level of state).</summary>
internal static class ServedNames
{
    public const int Longest = 48;

    public static Key KeyOf(ReadOnlySpan<byte> name) => name.Length switch
    {
        4 when name.SequenceEqual("type"u8) => Key.Type,
        4 when name.SequenceEqual("text"u8) => Key.Text,
        5 when name.SequenceEqual("usage"u8) => Key.Usage,
        5 when name.SequenceEqual("delta"u8) => Key.Delta,
        5 when name.SequenceEqual("error"u8) => Key.Error,
        7 when name.SequenceEqual("message"u8) => Key.Message,
        7 when name.SequenceEqual("summary"u8) => Key.Summary,
        7 when name.SequenceEqual("content"u8) => Key.Content,
        8 when name.SequenceEqual("thinking"u8) => Key.Thinking,
        9 when name.SequenceEqual("reasoning"u8) => Key.Reasoning,
        12 when name.SequenceEqual("input_tokens"u8) => Key.InputTokens,
        13 when name.SequenceEqual("prompt_tokens"u8) => Key.InputTokens,
        13 when name.SequenceEqual("output_tokens"u8) => Key.OutputTokens,
        16 when name.SequenceEqual("reasoning_tokens"u8) => Key.ReasoningTokens,
        17 when name.SequenceEqual("completion_tokens"u8) => Key.OutputTokens,
        17 when name.SequenceEqual("reasoning_content"u8) => Key.ReasoningContent,
        21 when name.SequenceEqual("output_tokens_details"u8) => Key.OutputDetails,
        23 when name.SequenceEqual("cache_read_input_tokens"u8) => Key.CacheReadTokens,
        25 when name.SequenceEqual("completion_tokens_details"u8) => Key.OutputDetails,
        27 when name.SequenceEqual("cache_creation_input_tokens"u8) => Key.CacheCreationTokens,
        _ => Key.Other,
    };

    /// <summary>What an object is, from its <c>type</c> member (and a server-sent event, from its <c>event:</c> line or top-level <c>type</c>).</summary>
    public static Kind KindOf(ReadOnlySpan<byte> type) => type.Length switch
    {
        5 when type.SequenceEqual("error"u8) => Kind.Error,
        9 when type.SequenceEqual("reasoning"u8) => Kind.ReasoningItem,
        12 when type.SequenceEqual("summary_text"u8) => Kind.ReasoningText,
        14 when type.SequenceEqual("reasoning_text"u8) => Kind.ReasoningText,
        15 when type.SequenceEqual("response.failed"u8) => Kind.Error,
        28 when type.SequenceEqual("response.reasoning_text.done"u8) => Kind.ReasoningEvent,
        29 when type.SequenceEqual("response.reasoning_text.delta"u8) => Kind.ReasoningEvent,
        36 when type.SequenceEqual("response.reasoning_summary_text.done"u8) => Kind.ReasoningEvent,
        37 when type.SequenceEqual("response.reasoning_summary_text.delta"u8) => Kind.ReasoningEvent,
        _ => Kind.Other,
    };

    public enum Key : byte
    {
        None,
        Other,
        Type,
        Text,
        Usage,
        Delta,
        Error,
        Message,
        Summary,
        Content,
        Thinking,
        Reasoning,
        ReasoningContent,
        InputTokens,
        OutputTokens,
        ReasoningTokens,
        OutputDetails,
        CacheReadTokens,
        CacheCreationTokens,
    }

    public enum Kind : byte
    {
        None,
        Other,
        Error,
        ReasoningItem,
        ReasoningText,
        ReasoningEvent,
    }
}
