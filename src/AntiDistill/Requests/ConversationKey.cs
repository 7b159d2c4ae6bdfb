using System.IO.Hashing;
using System.Text.Json;

namespace AntiDistill.Requests;

/// <summary>
/// Keys a conversation by its first user message (<see cref="Observation.Conversation"/>): every turn of a chat client
/// sends the whole history again, so the first message is the same on each, and two conversations side by side on one
/// account differ in it. The key hashes the message as it stands in the body (escaped or not): a client sends its own
/// history back the same way.
/// </summary>
internal static class ConversationKey
{
    /// <summary>Bytes of the message hashed: enough to tell conversations apart, and a long paste costs no more than a short one.</summary>
    private const int HashedBytes = 512;

    /// <summary>The key of a message's raw bytes; 0 for none.</summary>
    public static ulong Of(ReadOnlySpan<byte> raw) => raw.IsEmpty ? 0 : XxHash3.HashToUInt64(raw[..Math.Min(raw.Length, HashedBytes)]) | 1;

    /// <summary>
    /// The key of the content value under <paramref name="reader"/> (a copy; the caller's reader does not move): a
    /// string's bytes, or those of an array's first text part; 0 for anything else.
    /// </summary>
    public static ulong At(Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return Of(reader.ValueSpan);
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return 0;
        }

        // Parts sit one level below the array, their properties two: {"type":"text","text":"..."} or a bare string.
        int depth = reader.CurrentDepth;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            if (reader.TokenType == JsonTokenType.String && reader.CurrentDepth == depth + 1 && reader.ValueSpan.Length > 0)
            {
                return Of(reader.ValueSpan);
            }

            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == depth + 2 && JsonText.TextEquals(in reader, "text"u8)
                && reader.Read() && reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length > 0)
            {
                return Of(reader.ValueSpan);
            }
        }

        return 0;
    }
}
