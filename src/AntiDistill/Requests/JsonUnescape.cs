using System.Text;
using System.Text.Unicode;

namespace AntiDistill.Requests;

/// <summary>
/// Unescapes a JSON string whose escapes hold a lone surrogate (<c>"\ud800"</c>), which
/// <see cref="System.Text.Json.Utf8JsonReader.CopyString(Span{byte})"/> refuses although the reader (and JsonDocument, and
/// Python's or Go's parsers) accept it: JavaScript's JSON.stringify writes one for text cut between the halves of a pair.
/// Refusing it would leave the body unscored while the endpoint answers it, so a lone surrogate becomes U+FFFD, as a
/// lenient decoder turns it. Only the rare path: called once CopyString has thrown.
/// </summary>
internal static class JsonUnescape
{
    /// <summary>
    /// Writes the text of <paramref name="raw"/> (a string token's bytes, escapes checked by the reader) into
    /// <paramref name="destination"/>, which needs no more room than <paramref name="raw"/>. False when a run between
    /// escapes is not valid UTF-8 (still malformed, as the readers treat it) or an escape is not one JSON allows.
    /// </summary>
    public static bool TryUnescape(ReadOnlySpan<byte> raw, Span<byte> destination, out int written)
    {
        written = 0;
        while (!raw.IsEmpty)
        {
            int backslash = raw.IndexOf((byte)'\\');
            var run = backslash < 0 ? raw : raw[..backslash];

            // A backslash is ASCII, so it never splits a valid multi-byte sequence: checking runs checks the whole.
            if (!Utf8.IsValid(run))
            {
                return false;
            }

            run.CopyTo(destination[written..]);
            written += run.Length;
            if (backslash < 0)
            {
                return true;
            }

            raw = raw[backslash..];
            if (raw.Length < 2)
            {
                return false;
            }

            if (raw[1] != (byte)'u')
            {
                byte unescaped = Simple(raw[1]);
                if (unescaped == 0)
                {
                    return false;
                }

                destination[written++] = unescaped;
                raw = raw[2..];
                continue;
            }

            if (!TryHex(raw, out int unit))
            {
                return false;
            }

            raw = raw[6..];
            int scalar = unit;
            if (char.IsHighSurrogate((char)unit) && raw.Length >= 6 && raw[1] == (byte)'u' && raw[0] == (byte)'\\'
                && TryHex(raw, out int low) && char.IsLowSurrogate((char)low))
            {
                scalar = char.ConvertToUtf32((char)unit, (char)low);
                raw = raw[6..];
            }
            else if (char.IsSurrogate((char)unit))
            {
                scalar = Rune.ReplacementChar.Value;
            }

            // At most 4 bytes for the 6 (or 12, for a pair) the escape took.
            written += new Rune(scalar).EncodeToUtf8(destination[written..]);
        }

        return true;
    }

    private static byte Simple(byte escape) => escape switch
    {
        (byte)'"' => (byte)'"',
        (byte)'\\' => (byte)'\\',
        (byte)'/' => (byte)'/',
        (byte)'b' => (byte)'\b',
        (byte)'f' => (byte)'\f',
        (byte)'n' => (byte)'\n',
        (byte)'r' => (byte)'\r',
        (byte)'t' => (byte)'\t',
        _ => 0,
    };

    /// <summary>The code unit of the <c>\uXXXX</c> escape at the start of <paramref name="escape"/>.</summary>
    private static bool TryHex(ReadOnlySpan<byte> escape, out int unit)
    {
        unit = 0;
        if (escape.Length < 6)
        {
            return false;
        }

        for (int i = 2; i < 6; i++)
        {
            int digit = HexDigit(escape[i]);
            if (digit < 0)
            {
                return false;
            }

            unit = (unit << 4) | digit;
        }

        return true;
    }

    private static int HexDigit(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
