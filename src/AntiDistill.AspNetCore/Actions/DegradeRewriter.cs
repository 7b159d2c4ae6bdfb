using System.Text.Encodings.Web;
using System.Text.Json;
using AntiDistill.Requests;

namespace AntiDistill.AspNetCore;

/// <summary>
/// Rewrites a JSON request body for the degrade action: output budgets capped, requested reasoning removed.
/// Top-level fields only; every other value is copied byte for byte (raw), so nothing the model reads changes.
/// </summary>
internal static class DegradeRewriter
{
    /// <summary>Rewrites <paramref name="body"/> into <paramref name="output"/>; false (output untouched in meaning) when the body is not a JSON object.</summary>
    public static bool TryRewrite(ReadOnlySpan<byte> body, RequestFormat format, int maxOutputTokens, bool removeReasoning, PooledBufferWriter output)
    {
        try
        {
            Rewrite(body, format, maxOutputTokens, removeReasoning, output);
            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            // The body was read as JSON a moment ago; this only guards against a custom reader that is laxer than Utf8JsonReader
            // (or an escaped property name that is not valid UTF-8, which GetString refuses).
            return false;
        }
    }

    private static void Rewrite(ReadOnlySpan<byte> body, RequestFormat format, int cap, bool removeReasoning, PooledBufferWriter output)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 256 });
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("Not an object.");
        }

        writer.WriteStartObject();
        bool sawBudget = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = Classify(ref reader);
            if (field == Field.Reasoning && (removeReasoning || ThinkingOutgrowsCap(reader, format, cap)))
            {
                reader.Read();
                reader.Skip();
                continue;
            }

            // Names with escapes are rare (the API's own names have none): only they cost a string.
            if (reader.ValueIsEscaped)
            {
                writer.WritePropertyName(reader.GetString()!);
            }
            else
            {
                writer.WritePropertyName(reader.ValueSpan);
            }

            reader.Read();
            if (field == Field.Budget && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long requested))
            {
                writer.WriteNumberValue(Math.Min(requested, cap));
                sawBudget = true;
                continue;
            }

            long start = reader.TokenStartIndex;
            reader.Skip();
            writer.WriteRawValue(body[(int)start..(int)reader.BytesConsumed], skipInputValidation: true);
        }

        if (!sawBudget && BudgetFieldOf(format) is { } name)
        {
            writer.WriteNumber(name, cap);
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// Whether an Anthropic <c>thinking</c> object asks for a budget the capped <c>max_tokens</c> cannot hold: the API
    /// refuses a request whose <c>budget_tokens</c> is not below <c>max_tokens</c>, so a kept-reasoning degrade would
    /// otherwise turn into an upstream 400. Such thinking is dropped; one that fits is kept as it is.
    /// </summary>
    private static bool ThinkingOutgrowsCap(Utf8JsonReader reader, RequestFormat format, int cap)
    {
        if (format != RequestFormat.AnthropicMessages || !reader.ValueTextEquals("thinking"u8) || !reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        int depth = reader.CurrentDepth;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == depth + 1 && reader.ValueTextEquals("budget_tokens"u8))
            {
                return reader.Read() && reader.TokenType == JsonTokenType.Number && (!reader.TryGetInt64(out long budget) || budget >= cap);
            }

            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }
        }

        return false;
    }

    private static Field Classify(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("max_tokens"u8) || reader.ValueTextEquals("max_completion_tokens"u8) || reader.ValueTextEquals("max_output_tokens"u8))
        {
            return Field.Budget;
        }

        return reader.ValueTextEquals("reasoning_effort"u8) || reader.ValueTextEquals("reasoning"u8) || reader.ValueTextEquals("thinking"u8)
            ? Field.Reasoning
            : Field.Other;
    }

    /// <summary>The field each format reads the output budget from, added when the request set none.</summary>
    private static string? BudgetFieldOf(RequestFormat format) => format switch
    {
        RequestFormat.OpenAIChatCompletions => "max_completion_tokens",
        RequestFormat.OpenAIResponses => "max_output_tokens",
        RequestFormat.AnthropicMessages => "max_tokens",
        _ => null,
    };

    private enum Field
    {
        Other,
        Budget,
        Reasoning,
    }
}
