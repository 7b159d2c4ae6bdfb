using System.Text.Json;

namespace AntiDistill.Requests;

/// <summary>Top-level fields that tell the body formats apart when the request path does not.</summary>
[Flags]
internal enum TopLevelFields
{
    None = 0,
    Messages = 1,
    Input = 2,
    AnthropicOnly = 4, // system, thinking, stop_sequences, top_k, anthropic_version: never in an OpenAI body
}

internal static class JsonShape
{
    public static bool IsObject(ReadOnlySpan<byte> body)
    {
        body = body.TrimStart(" \t\r\n"u8);
        return !body.IsEmpty && body[0] == (byte)'{';
    }

    /// <summary>Scans the top-level property names only (values are skipped). Malformed JSON gives <see cref="TopLevelFields.None"/>.</summary>
    public static TopLevelFields Scan(ReadOnlySpan<byte> body)
    {
        if (!IsObject(body))
        {
            return TopLevelFields.None;
        }

        var fields = TopLevelFields.None;
        try
        {
            var reader = new Utf8JsonReader(body, JsonText.Options);
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("messages"u8))
                {
                    fields |= TopLevelFields.Messages;
                }
                else if (reader.ValueTextEquals("input"u8))
                {
                    fields |= TopLevelFields.Input;
                }
                else if (reader.ValueTextEquals("system"u8) || reader.ValueTextEquals("thinking"u8)
                    || reader.ValueTextEquals("stop_sequences"u8) || reader.ValueTextEquals("top_k"u8)
                    || reader.ValueTextEquals("anthropic_version"u8))
                {
                    fields |= TopLevelFields.AnthropicOnly;
                }

                reader.Read();
                reader.Skip();
            }
        }
        catch (JsonException)
        {
            return TopLevelFields.None;
        }

        return fields;
    }
}
