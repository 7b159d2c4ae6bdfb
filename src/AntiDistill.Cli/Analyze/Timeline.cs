namespace AntiDistill.Cli.Analyze;

/// <summary>
/// Requests per time bucket by the verdict the engine gave at that moment, with a bounded number of buckets:
/// when the log outgrows them, buckets widen along a fixed ladder (1 min, 5 min, 15 min, 1 h, 3 h, 6 h, 1 day,
/// then doubling) and merge, so the result depends only on the records, never on file size.
/// </summary>
internal sealed class Timeline
{
    public const int MaxBuckets = 240;
    private static readonly long[] Ladder =
    [
        TimeSpan.TicksPerMinute, 5 * TimeSpan.TicksPerMinute, 15 * TimeSpan.TicksPerMinute, TimeSpan.TicksPerHour,
        3 * TimeSpan.TicksPerHour, 6 * TimeSpan.TicksPerHour, TimeSpan.TicksPerDay,
    ];

    private long[] _counts = new long[MaxBuckets * 3];
    private int _rung;

    /// <summary>Start of the first bucket (UTC ticks), aligned to the bucket width; -1 before the first record.</summary>
    public long StartTicks { get; private set; } = -1;

    public long WidthTicks { get; private set; } = Ladder[0];

    /// <summary>Buckets in use.</summary>
    public int Count { get; private set; }

    /// <summary>Requests in bucket <paramref name="bucket"/> rated <paramref name="verdict"/>.</summary>
    public long this[int bucket, Verdict verdict] => _counts[(bucket * 3) + (int)verdict];

    public void Add(long ticks, Verdict verdict)
    {
        if (StartTicks < 0)
        {
            StartTicks = ticks - (ticks % WidthTicks);
        }

        long index = Math.Max(0, (ticks - StartTicks) / WidthTicks);
        while (index >= MaxBuckets)
        {
            Widen();
            index = Math.Max(0, (ticks - StartTicks) / WidthTicks);
        }

        _counts[(index * 3) + (int)verdict]++;
        Count = Math.Max(Count, (int)index + 1);
    }

    private void Widen()
    {
        _rung++;
        long width = _rung < Ladder.Length ? Ladder[_rung] : Ladder[^1] << (_rung - Ladder.Length + 1);
        long start = StartTicks - (StartTicks % width);
        var counts = new long[MaxBuckets * 3];
        int used = 0;
        for (int i = 0; i < Count; i++)
        {
            long at = StartTicks + (i * WidthTicks);
            int j = (int)((at - start) / width);
            for (int v = 0; v < 3; v++)
            {
                counts[(j * 3) + v] += _counts[(i * 3) + v];
            }

            used = Math.Max(used, j + 1);
        }

        _counts = counts;
        StartTicks = start;
        WidthTicks = width;
        Count = used;
    }
}
