namespace AntiDistill;

/// <summary>
/// Reads a STIX timestamp (RFC 3339 in UTC: <c>YYYY-MM-DDTHH:MM:SS[.s+]Z</c>) from its unescaped UTF-8.
/// By hand because a feed of 100,000 indicators has 400,000 of them, and the general parser spent a third of the load
/// there (IndicatorBenchmarks.ReadAndCompile).
/// </summary>
internal static class StixTimestamp
{
    public static bool TryParse(ReadOnlySpan<byte> raw, out DateTimeOffset at)
    {
        at = default;
        if (raw.Length < 20 || raw[^1] != 'Z')
        {
            return false;
        }

        ReadOnlySpan<byte> t = raw[..^1];
        if (t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':'
            || !Number(t[..4], out int year) || !Number(t[5..7], out int month) || !Number(t[8..10], out int day)
            || !Number(t[11..13], out int hour) || !Number(t[14..16], out int minute) || !Number(t[17..19], out int second))
        {
            return false;
        }

        long ticks = 0;
        if (t.Length > 19)
        {
            if (t[19] != '.' || t.Length == 20 || !Number(t[20..], out _))
            {
                return false;
            }

            // Fractions past 100 ns are dropped, as DateTimeOffset cannot hold them.
            long scale = TimeSpan.TicksPerSecond;
            for (int i = 20; i < t.Length && scale > 1; i++)
            {
                scale /= 10;
                ticks += (t[i] - '0') * scale;
            }
        }

        if (month is < 1 or > 12 || day < 1 || year < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }

        // A leap second (60) is read as the next second, which is what DateTimeOffset can represent.
        at = new DateTimeOffset(year, month, day, hour, minute, Math.Min(second, 59), TimeSpan.Zero).AddTicks(ticks + (second == 60 ? TimeSpan.TicksPerSecond : 0));
        return true;
    }

    private static bool Number(ReadOnlySpan<byte> digits, out int value)
    {
        value = 0;
        foreach (byte b in digits)
        {
            if ((uint)(b - '0') > 9)
            {
                return false;
            }

            value = digits.Length > 9 ? 0 : (value * 10) + (b - '0');
        }

        return true;
    }
}
