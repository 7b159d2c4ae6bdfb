namespace AntiDistill;

/// <summary>
/// Running mean and variance (Welford) of log2 inter-arrival gaps, mergeable with Chan's parallel formula.
/// A machine that paces its requests has a small spread of log gaps; a person alternates seconds
/// within a conversation with hours between them.
/// It also counts the gaps short enough to be turns of one sitting (<see cref="SessionGapSeconds"/>): a person's
/// requests come in sessions, a scheduler's are spread over the day.
/// </summary>
internal struct GapStatistics
{
    /// <summary>
    /// Gaps shorter than this (5 minutes) are follow-ups within one sitting. Long enough for reading an answer and
    /// typing the next turn (the simulator's think times are 8 s to 15 min, median about a minute), short enough that
    /// a scheduler spreading a few requests over a working day almost never produces one.
    /// </summary>
    public const double SessionGapSeconds = 300;

    private int _count;
    private float _mean;
    private float _m2;
    private int _sessionGaps;

    /// <summary>Number of gaps seen.</summary>
    public readonly int Count => _count;

    /// <summary>Mean of log2(gap in seconds + 1).</summary>
    public readonly double Mean => _mean;

    /// <summary>Standard deviation of log2(gap in seconds + 1); 0 with fewer than two gaps.</summary>
    public readonly double StandardDeviation => _count < 2 ? 0 : Math.Sqrt(_m2 / (_count - 1));

    /// <summary>Number of gaps shorter than <see cref="SessionGapSeconds"/>.</summary>
    public readonly int SessionGaps => _sessionGaps;

    /// <summary>Adds one gap.</summary>
    public void Add(double seconds)
    {
        _sessionGaps += seconds < SessionGapSeconds ? 1 : 0;
        float x = (float)Math.Log2(Math.Max(0, seconds) + 1);
        _count++;
        float delta = x - _mean;
        _mean += delta / _count;
        _m2 += delta * (x - _mean);
    }

    /// <summary>Folds another set of gaps in.</summary>
    public void MergeFrom(in GapStatistics other)
    {
        if (other._count == 0)
        {
            return;
        }

        int n = _count + other._count;
        float delta = other._mean - _mean;
        _m2 += other._m2 + (delta * delta * _count * other._count / n);
        _mean += delta * other._count / n;
        _count = n;
        _sessionGaps += other._sessionGaps;
    }
}
