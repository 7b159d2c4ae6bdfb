using System.Text.Json;
using System.Text.Unicode;

namespace AntiDistill.Requests;

/// <summary>Where a piece of text goes.</summary>
internal enum TextTarget
{
    Prompt,
    System,
}

/// <summary>
/// Reading helpers shared by the format readers. Text is copied from the body into the
/// <see cref="RequestContent"/> buffers, unescaped only when the JSON escaped it; nothing allocates.
/// </summary>
internal static class JsonText
{
    /// <summary>Strict JSON (no comments, no trailing commas), nesting bounded so a hostile body cannot recurse deeply.</summary>
    public static readonly JsonReaderOptions Options = new() { MaxDepth = 64 };

    /// <summary>Positions <paramref name="reader"/> on the first property of the top-level object, or fails.</summary>
    public static bool EnterObject(ref Utf8JsonReader reader) => reader.Read() && reader.TokenType == JsonTokenType.StartObject;

    /// <summary>
    /// Reads past the end of the top-level object (the reader stands on its closing brace): only whitespace may follow,
    /// anything else throws <see cref="JsonException"/>, as the endpoint's parser refuses <c>{...} x</c> or a second object.
    /// </summary>
    public static void ExpectEnd(ref Utf8JsonReader reader)
    {
        if (reader.Read())
        {
            throw new JsonException("More than one JSON value.");
        }
    }

    /// <summary>Room for any escaped form of the names and values the readers compare against (6 bytes per escaped character).</summary>
    public const int NameScratchBytes = 128;

    /// <summary>
    /// The unescaped text of the property name or string under <paramref name="reader"/>, for comparing against known
    /// names with <see cref="MemoryExtensions.SequenceEqual{T}(ReadOnlySpan{T}, ReadOnlySpan{T})"/>: the body's own bytes
    /// when nothing is escaped (the common case, no copy), else unescaped into <paramref name="scratch"/>. Text too long to
    /// be any known name even escaped, or that does not unescape, comes back empty, so it matches nothing, as
    /// <see cref="Utf8JsonReader.ValueTextEquals(ReadOnlySpan{byte})"/> would say. An escaped name is still recognized:
    /// escaping "messages" must not hide a conversation from scoring.
    /// </summary>
    /// <remarks>
    /// One span read per token instead of a <c>ValueTextEquals</c> per candidate name: a chat body asks about 45 of them.
    /// </remarks>
    public static ReadOnlySpan<byte> Text(ref readonly Utf8JsonReader reader, Span<byte> scratch)
    {
        var raw = reader.ValueSpan;
        if (!reader.ValueIsEscaped)
        {
            return raw;
        }

        if (raw.Length > scratch.Length)
        {
            return default;
        }

        try
        {
            return scratch[..reader.CopyString(scratch)];
        }
        catch (InvalidOperationException)
        {
            return default; // e.g. an escaped lone surrogate: not a name we know
        }
    }

    /// <summary>
    /// <see cref="Utf8JsonReader.ValueTextEquals(ReadOnlySpan{byte})"/> without its throw: it throws for an escaped lone
    /// surrogate (<c>"\ud800"</c>), which the reader itself accepts; such text equals no name or value we look for.
    /// Unescaped text (nearly all) is compared as its bytes, without the call.
    /// </summary>
    public static bool TextEquals(ref readonly Utf8JsonReader reader, ReadOnlySpan<byte> text)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan.SequenceEqual(text);
        }

        try
        {
            return reader.ValueTextEquals(text);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Copies the string token under <paramref name="reader"/> into <paramref name="content"/>; invalid UTF-8 throws <see cref="JsonException"/>, which the readers turn into <see cref="RequestReadStatus.NotJson"/>.</summary>
    public static void AppendString(ref readonly Utf8JsonReader reader, RequestContent content, TextTarget target)
    {
        var raw = reader.ValueSpan;
        if (raw.IsEmpty)
        {
            return;
        }

        if (!reader.ValueIsEscaped)
        {
            AppendUnescaped(raw, content, target);
            return;
        }

        // Unescaped text is never longer than its escaped form, so the reservation always suffices.
        var span = target == TextTarget.Prompt ? content.ReservePrompt(raw.Length) : content.ReserveSystemPrompt(raw.Length);
        int written;
        try
        {
            written = reader.CopyString(span);
        }
        catch (InvalidOperationException)
        {
            // CopyString refuses invalid UTF-8 (malformed, as for an unescaped string) and an escaped lone surrogate,
            // which the reader and the endpoint's parser accept: that one is read with U+FFFD in its place.
            if (!JsonUnescape.TryUnescape(raw, span, out written))
            {
                throw new JsonException("A string in the body is not valid UTF-8.");
            }
        }

        if (target == TextTarget.Prompt)
        {
            content.CommitPrompt(written);
        }
        else
        {
            content.CommitSystemPrompt(written);
        }
    }

    /// <summary>Copies the text of a string token that has no escapes (its raw bytes are its text); empty text appends nothing.</summary>
    public static void AppendUnescaped(ReadOnlySpan<byte> raw, RequestContent content, TextTarget target)
    {
        if (raw.IsEmpty)
        {
            return;
        }

        // The reader does not validate UTF-8 in string values; the text we score must be valid, as JSON requires.
        if (!Utf8.IsValid(raw))
        {
            throw new JsonException("A string in the body is not valid UTF-8.");
        }

        if (target == TextTarget.Prompt)
        {
            content.AppendPrompt(raw);
        }
        else
        {
            content.AppendSystemPrompt(raw);
        }
    }

    /// <summary>
    /// Whether the content value under <paramref name="reader"/> (a string, or an array of parts) holds text.
    /// Returns false for a value of the wrong type through <paramref name="valid"/>.
    /// </summary>
    public static bool HasText(Utf8JsonReader reader, out bool valid) => Walk(ref reader, content: null, TextTarget.Prompt, out valid);

    /// <summary>Appends the text of the content value under <paramref name="reader"/>: a string, or the text parts of an array.</summary>
    public static bool AppendContent(ref Utf8JsonReader reader, RequestContent content, TextTarget target)
    {
        Walk(ref reader, content, target, out var valid);
        return valid;
    }

    /// <summary>Reads an integer token, clamping out-of-range numbers; -1 for null; false when the token is not a number.</summary>
    public static bool TryReadInt(ref readonly Utf8JsonReader reader, out int value)
    {
        value = -1;
        if (reader.TokenType != JsonTokenType.Number)
        {
            return reader.TokenType == JsonTokenType.Null;
        }

        if (reader.TryGetInt32(out value))
        {
            value = Math.Max(0, value);
            return true;
        }

        value = reader.TryGetDouble(out var d) && d > 0 ? int.MaxValue : 0;
        return true;
    }

    /// <summary>Reads a boolean token; null counts as false, anything else is the wrong type.</summary>
    public static bool TryReadBool(ref readonly Utf8JsonReader reader, out bool value)
    {
        value = reader.TokenType == JsonTokenType.True;
        return reader.TokenType is JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null;
    }

    /// <summary>Counts the elements of the array under <paramref name="reader"/> and moves past it; false when it is not an array.</summary>
    public static bool TryCountArray(ref Utf8JsonReader reader, out int count)
    {
        count = 0;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            count++;
            reader.Skip();
        }

        return true;
    }

    /// <summary>Whether a text part's <c>type</c> marks text a person wrote (not images, files or tool results).</summary>
    public static bool IsTextPart(ReadOnlySpan<byte> type) =>
        type.SequenceEqual("text"u8) || type.SequenceEqual("input_text"u8) || type.SequenceEqual("output_text"u8);

    // One walker for both "does it have text" and "append its text", so the two can never disagree.
    private static bool Walk(ref Utf8JsonReader reader, RequestContent? content, TextTarget target, out bool valid)
    {
        valid = true;
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                if (content is not null)
                {
                    AppendString(ref reader, content, target);
                }

                return reader.ValueSpan.Length > 0;
            case JsonTokenType.Null:
                return false;
            case JsonTokenType.StartArray:
                var any = false;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        // Some clients send bare strings as parts.
                        any |= reader.ValueSpan.Length > 0;
                        if (content is not null)
                        {
                            AppendString(ref reader, content, target);
                        }
                    }
                    else if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        any |= WalkPart(ref reader, content, target, ref valid);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }

                return any;
            default:
                valid = false;
                reader.Skip();
                return false;
        }
    }

    private static bool WalkPart(ref Utf8JsonReader reader, RequestContent? content, TextTarget target, ref bool valid)
    {
        // "text" may come before "type": keep a copy of the reader at the text and decide at the end.
        var isText = true; // a part without a type but with "text" counts as text
        var hasTextValue = false;
        var textAt = default(Utf8JsonReader);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (TextEquals(in reader, "type"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    isText = !reader.ValueIsEscaped && IsTextPart(reader.ValueSpan);
                }

                continue;
            }

            if (TextEquals(in reader, "text"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    textAt = reader;
                    hasTextValue = reader.ValueSpan.Length > 0;
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    valid = false;
                    reader.Skip();
                }

                continue;
            }

            reader.Read();
            reader.Skip();
        }

        if (!isText || !hasTextValue)
        {
            return false;
        }

        if (content is not null)
        {
            AppendString(ref textAt, content, target);
        }

        return true;
    }
}
