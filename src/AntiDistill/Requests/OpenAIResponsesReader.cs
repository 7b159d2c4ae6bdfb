using System.Runtime.CompilerServices;
using System.Text.Json;

namespace AntiDistill.Requests;

/// <summary>OpenAI Responses: <c>input</c> (a string or items), <c>instructions</c>, <c>tools</c>, <c>max_output_tokens</c>, <c>reasoning</c>, <c>stream</c>.</summary>
[SkipLocalsInit]
internal sealed class OpenAIResponsesReader : IRequestFormatReader
{
    public RequestFormat Format => RequestFormat.OpenAIResponses;

    public bool MatchesPath(ReadOnlySpan<char> path) => path.EndsWith("/responses", StringComparison.OrdinalIgnoreCase);

    public bool MatchesShape(ReadOnlySpan<byte> body) => (JsonShape.Scan(body) & TopLevelFields.Input) != 0;

    public RequestReadStatus Read(ReadOnlySpan<byte> body, RequestContent content)
    {
        try
        {
            var reader = new Utf8JsonReader(body, JsonText.Options);
            if (!JsonText.EnterObject(ref reader))
            {
                return RequestReadStatus.UnexpectedShape;
            }

            var sawInput = false;
            Span<byte> scratch = stackalloc byte[JsonText.NameScratchBytes];
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool ok;
                var name = JsonText.Text(ref reader, scratch);
                if (name.SequenceEqual("input"u8))
                {
                    reader.Read();
                    ok = sawInput = ReadInput(ref reader, content);
                }
                else if (name.SequenceEqual("instructions"u8))
                {
                    reader.Read();
                    ok = reader.TokenType is JsonTokenType.String or JsonTokenType.Null;
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        JsonText.AppendString(ref reader, content, TextTarget.System);
                    }
                }
                else if (name.SequenceEqual("tools"u8))
                {
                    reader.Read();
                    ok = JsonText.TryCountArray(ref reader, out var tools);
                    content.ToolCount += tools;
                }
                else if (name.SequenceEqual("max_output_tokens"u8))
                {
                    reader.Read();
                    ok = JsonText.TryReadInt(ref reader, out var max);
                    content.MaxOutputTokens = Math.Max(0, max);
                }
                else if (name.SequenceEqual("reasoning"u8))
                {
                    reader.Read();
                    ok = ReadReasoning(ref reader, out var enabled);
                    content.ReasoningRequested = enabled;
                }
                else if (name.SequenceEqual("stream"u8))
                {
                    reader.Read();
                    ok = JsonText.TryReadBool(ref reader, out var stream);
                    content.Stream = stream;
                }
                else if (name.SequenceEqual("previous_response_id"u8) || name.SequenceEqual("conversation"u8))
                {
                    // Server-side state: the history is the server's, the body carries the new turn only. A conversation is
                    // an id string or an object with one; null (or an empty id) starts afresh.
                    reader.Read();
                    content.ContinuesConversation |= reader.TokenType is JsonTokenType.StartObject
                        || (reader.TokenType == JsonTokenType.String && (reader.ValueIsEscaped || reader.ValueSpan.Length > 0));
                    reader.Skip();
                    ok = true;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                    ok = true;
                }

                if (!ok)
                {
                    return RequestReadStatus.UnexpectedShape;
                }
            }

            if (content.ContinuesConversation)
            {
                // Its first user message is the new turn's, not the conversation's: no key, so it is taken as the account's latest conversation's turn.
                content.Conversation = 0;
            }

            JsonText.ExpectEnd(ref reader);
            return sawInput ? RequestReadStatus.Ok : RequestReadStatus.UnexpectedShape;
        }
        catch (JsonException)
        {
            return RequestReadStatus.NotJson;
        }
    }

    private static bool ReadInput(ref Utf8JsonReader reader, RequestContent content)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            content.Conversation = ConversationKey.Of(reader.ValueSpan);
            JsonText.AppendString(ref reader, content, TextTarget.Prompt);
            content.TurnCount += 1;
            return true;
        }

        return MessageList.Read(ref reader, content);
    }

    // {"effort":"high"} turns reasoning on; {"effort":"none"} or null leaves it off.
    private static bool ReadReasoning(ref Utf8JsonReader reader, out bool enabled)
    {
        enabled = false;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isEffort = JsonText.TextEquals(in reader, "effort"u8);
            reader.Read();
            if (isEffort && reader.TokenType == JsonTokenType.String)
            {
                enabled = !JsonText.TextEquals(in reader, "none"u8);
            }

            reader.Skip();
        }

        return true;
    }
}
