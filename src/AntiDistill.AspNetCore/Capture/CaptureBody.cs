using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using AntiDistill.Requests;

namespace AntiDistill.AspNetCore;

/// <summary>
/// Copies a request body into a log line token by token: compact (a pretty-printed body would break JSON Lines), each
/// kept token byte for byte as sent (strings keep their escapes, so the analyzer's readers see exactly what the
/// middleware's did), and with the redactions the privacy settings ask for.
/// </summary>
/// <remarks>
/// Always dropped (written as <c>null</c>): the top-level fields by which the APIs carry an end user's identity
/// (<c>user</c>, <c>metadata</c>, <c>safety_identifier</c>), which the readers never use. Without prompt retention every
/// string is emptied except the values of a few enumerations the readers need (<c>role</c>, <c>type</c>, <c>model</c>,
/// reasoning effort), and schemas (tool parameters, response formats) are dropped, since their property names are text
/// too: the body keeps its shape (turns, tool count, output budget, reasoning switches) and loses its words.
/// </remarks>
internal static class CaptureBody
{
    /// <summary>Copies <paramref name="body"/> into <paramref name="output"/>; false when it is not strict JSON (nothing usable written).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see CaptureWriterService.Drain
    public static bool TryWrite(ReadOnlySpan<byte> body, bool retainPrompts, IBufferWriter<byte> output)
    {
        body = JsonShape.SkipByteOrderMark(body);
        var reader = new Utf8JsonReader(body, JsonText.Options);
        bool comma = false, afterName = false;
        ReadOnlySpan<byte> name = default;
        try
        {
            while (reader.Read())
            {
                var token = reader.TokenType;
                if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    Put(output, token == JsonTokenType.EndObject ? "}"u8 : "]"u8);
                    comma = true;
                    afterName = false;
                    continue;
                }

                if (comma)
                {
                    Put(output, ","u8);
                }

                if (token == JsonTokenType.PropertyName)
                {
                    name = reader.ValueSpan; // escaped names compare unequal: treated as text, which is the safe side
                    Put(output, Raw(body, ref reader));
                    Put(output, ":"u8);
                    if ((reader.CurrentDepth == 1 && IsIdentity(name)) || (!retainPrompts && IsSchema(name)))
                    {
                        reader.Skip();
                        Put(output, "null"u8);
                        comma = true;
                        afterName = false;
                        continue;
                    }

                    comma = false;
                    afterName = true;
                    continue;
                }

                switch (token)
                {
                    case JsonTokenType.StartObject:
                        Put(output, "{"u8);
                        comma = false;
                        break;
                    case JsonTokenType.StartArray:
                        Put(output, "["u8);
                        comma = false;
                        break;
                    case JsonTokenType.String:
                        Put(output, retainPrompts || (afterName && IsEnumeration(name)) ? Raw(body, ref reader) : "\"\""u8);
                        comma = true;
                        break;
                    default: // numbers and literals: their bytes as sent
                        Put(output, reader.ValueSpan);
                        comma = true;
                        break;
                }

                afterName = false;
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>A string or property name token as it stands in the body, quotes and escapes included.</summary>
    private static ReadOnlySpan<byte> Raw(ReadOnlySpan<byte> body, ref Utf8JsonReader reader) =>
        body.Slice((int)reader.TokenStartIndex, reader.ValueSpan.Length + 2);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see CaptureWriterService.Drain
    private static bool IsIdentity(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("user"u8) || name.SequenceEqual("metadata"u8) || name.SequenceEqual("safety_identifier"u8);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see CaptureWriterService.Drain
    private static bool IsSchema(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("parameters"u8) || name.SequenceEqual("input_schema"u8) || name.SequenceEqual("response_format"u8)
        || name.SequenceEqual("schema"u8);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see CaptureWriterService.Drain
    private static bool IsEnumeration(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("role"u8) || name.SequenceEqual("type"u8) || name.SequenceEqual("model"u8)
        || name.SequenceEqual("reasoning_effort"u8) || name.SequenceEqual("effort"u8) || name.SequenceEqual("tool_choice"u8);

    private static void Put(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }
}
