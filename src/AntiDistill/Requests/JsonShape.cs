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

    /// <summary>
    /// The body without one leading UTF-8 byte order mark: System.Text.Json's stream overloads (what an endpoint reads a
    /// request with) skip it, though <see cref="Utf8JsonReader"/> itself refuses it. Only at the very start, only one.
    /// </summary>
    public static ReadOnlySpan<byte> SkipByteOrderMark(ReadOnlySpan<byte> body) =>
        body.StartsWith("\uFEFF"u8) ? body[3..] : body;

    /// <summary>Whether <paramref name="body"/> is one well-formed JSON value (any kind), read with the readers' options.</summary>
    public static bool IsWellFormed(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body, JsonText.Options);
            bool any = false;
            while (reader.Read())
            {
                any = true;
            }

            return any;
        }
        catch (JsonException)
        {
            return false;
        }
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
                if (JsonText.TextEquals(in reader, "messages"u8))
                {
                    fields |= TopLevelFields.Messages;
                }
                else if (JsonText.TextEquals(in reader, "input"u8))
                {
                    fields |= TopLevelFields.Input;
                }
                else if (JsonText.TextEquals(in reader, "system"u8) || JsonText.TextEquals(in reader, "thinking"u8)
                    || JsonText.TextEquals(in reader, "stop_sequences"u8) || JsonText.TextEquals(in reader, "top_k"u8)
                    || JsonText.TextEquals(in reader, "anthropic_version"u8))
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
