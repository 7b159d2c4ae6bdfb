using System.Runtime.CompilerServices;
using System.Text.Json;

namespace AntiDistill.Requests;

/// <summary>OpenAI Chat Completions: <c>messages</c>, <c>tools</c> (or legacy <c>functions</c>), <c>max_completion_tokens</c> (or <c>max_tokens</c>), <c>reasoning_effort</c>, <c>stream</c>.</summary>
[SkipLocalsInit]
internal sealed class OpenAIChatCompletionsReader : IRequestFormatReader
{
    public RequestFormat Format => RequestFormat.OpenAIChatCompletions;

    public bool MatchesPath(ReadOnlySpan<char> path) => path.EndsWith("/chat/completions", StringComparison.OrdinalIgnoreCase);

    public bool MatchesShape(ReadOnlySpan<byte> body)
    {
        var fields = JsonShape.Scan(body);
        return (fields & TopLevelFields.Messages) != 0 && (fields & TopLevelFields.AnthropicOnly) == 0;
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
            var maxCompletion = -1;
            var maxTokens = -1;
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
                else if (name.SequenceEqual("tools"u8) || name.SequenceEqual("functions"u8))
                {
                    reader.Read();
                    ok = JsonText.TryCountArray(ref reader, out var tools);
                    content.ToolCount += tools;
                }
                else if (name.SequenceEqual("max_completion_tokens"u8))
                {
                    reader.Read();
                    ok = JsonText.TryReadInt(ref reader, out maxCompletion);
                }
                else if (name.SequenceEqual("max_tokens"u8))
                {
                    reader.Read();
                    ok = JsonText.TryReadInt(ref reader, out maxTokens);
                }
                else if (name.SequenceEqual("reasoning_effort"u8))
                {
                    reader.Read();
                    ok = reader.TokenType is JsonTokenType.String or JsonTokenType.Null;
                    content.ReasoningRequested = reader.TokenType == JsonTokenType.String && !JsonText.TextEquals(in reader, "none"u8);
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
            // max_completion_tokens replaced max_tokens; when both are sent the newer one is what the API uses.
            content.MaxOutputTokens = Math.Max(0, maxCompletion >= 0 ? maxCompletion : maxTokens);
            return sawMessages ? RequestReadStatus.Ok : RequestReadStatus.UnexpectedShape;
        }
        catch (JsonException)
        {
            return RequestReadStatus.NotJson;
        }
    }
}
