using System.Buffers;

namespace AntiDistill.Cli.Analyze;

/// <summary>
/// Finds where a JSON object or array ends by its brackets and string quotes alone, with vectorized searches:
/// several times faster than <see cref="System.Text.Json.Utf8JsonReader.Skip"/>, which validates every token.
/// Used to cut the request body out of a log line without reading it twice; the body reader (or, when it
/// declines the body, a full validation) still checks that the span is well-formed JSON.
/// </summary>
internal static class JsonSpan
{
    private static readonly SearchValues<byte> Structure = SearchValues.Create("{}[]\""u8);
    private static readonly SearchValues<byte> StringEnd = SearchValues.Create("\"\\"u8);

    /// <summary>The index just past the container that opens at <paramref name="start"/>, or -1 when it does not close.</summary>
    public static int EndOfContainer(ReadOnlySpan<byte> json, int start)
    {
        int depth = 0;
        int i = start;
        while (true)
        {
            int next = json[i..].IndexOfAny(Structure);
            if (next < 0)
            {
                return -1;
            }

            i += next;
            switch (json[i])
            {
                case (byte)'"':
                    i = EndOfString(json, i + 1);
                    if (i < 0)
                    {
                        return -1;
                    }

                    break;
                case (byte)'{' or (byte)'[':
                    depth++;
                    i++;
                    break;
                default:
                    i++;
                    if (--depth == 0)
                    {
                        return i;
                    }

                    break;
            }
        }
    }

    /// <summary>The index just past the closing quote of a string whose content starts at <paramref name="i"/>, or -1.</summary>
    private static int EndOfString(ReadOnlySpan<byte> json, int i)
    {
        while (true)
        {
            int next = json[i..].IndexOfAny(StringEnd);
            if (next < 0)
            {
                return -1;
            }

            i += next;
            if (json[i] == (byte)'"')
            {
                return i + 1;
            }

            i += 2; // an escape: whatever follows the backslash cannot end the string
            if (i > json.Length)
            {
                return -1;
            }
        }
    }
}
