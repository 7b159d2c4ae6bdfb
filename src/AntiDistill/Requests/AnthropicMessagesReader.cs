using System.Runtime.CompilerServices;
using System.Text.Json;

namespace AntiDistill.Requests;

/// <summary>Anthropic Messages: <c>system</c> (a string or text blocks), <c>messages</c>, <c>tools</c>, <c>max_tokens</c>, <c>thinking</c>, <c>stream</c>.</summary>
[SkipLocalsInit]
internal sealed class AnthropicMessagesReader : IRequestFormatReader
{
    public RequestFormat Format => RequestFormat.AnthropicMessages;

    public bool MatchesPath(ReadOnlySpan<char> path) => path.EndsWith("/messages", StringComparison.OrdinalIgnoreCase);

    public bool MatchesShape(ReadOnlySpan<byte> body)
    {
        var fields = JsonShape.Scan(body);
        return (fields & TopLevelFields.Messages) != 0 && (fields & TopLevelFields.AnthropicOnly) != 0;
    }

    public RequestReadStatus Read(ReadOnlySpan<byte> body, RequestContent content)
    {
        try
        {
            var reader = new Utf8JsonReader(body, JsonText.Options);
            if (!JsonText.EnterObject(ref reader))
            {
                return RequestReadStatus.UnexpectedShape;
            }

            var sawMessages = false;
            Span<byte> scratch = stackalloc byte[JsonText.NameScratchBytes];
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool ok;
                var name = JsonText.Text(ref reader, scratch);
                if (name.SequenceEqual("messages"u8))
                {
                    reader.Read();
                    ok = sawMessages = MessageList.Read(ref reader, content);
                }
                else if (name.SequenceEqual("system"u8))
                {
                    reader.Read();
                    ok = JsonText.AppendContent(ref reader, content, TextTarget.System);
                }
                else if (name.SequenceEqual("tools"u8))
                {
                    reader.Read();
                    ok = JsonText.TryCountArray(ref reader, out var tools);
                    content.ToolCount += tools;
                }
                else if (name.SequenceEqual("max_tokens"u8))
                {
                    reader.Read();
                    ok = JsonText.TryReadInt(ref reader, out var max);
                    content.MaxOutputTokens = Math.Max(0, max);
                }
                else if (name.SequenceEqual("thinking"u8))
                {
                    reader.Read();
                    ok = ReadThinking(ref reader, out var enabled);
                    content.ReasoningRequested = enabled;
                }
                else if (name.SequenceEqual("stream"u8))
                {
                    reader.Read();
                    ok = JsonText.TryReadBool(ref reader, out var stream);
                    content.Stream = stream;
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

            JsonText.ExpectEnd(ref reader);
            return sawMessages ? RequestReadStatus.Ok : RequestReadStatus.UnexpectedShape;
        }
        catch (JsonException)
        {
            return RequestReadStatus.NotJson;
        }
    }

    // {"type":"enabled","budget_tokens":N} or {"type":"adaptive"} turn thinking on; {"type":"disabled"} or null leave it off.
    private static bool ReadThinking(ref Utf8JsonReader reader, out bool enabled)
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

        enabled = true;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isType = JsonText.TextEquals(in reader, "type"u8);
            reader.Read();
            if (isType && reader.TokenType == JsonTokenType.String && JsonText.TextEquals(in reader, "disabled"u8))
            {
                enabled = false;
            }

            reader.Skip();
        }

        return true;
    }
}
