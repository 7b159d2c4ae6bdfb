using System.Runtime.CompilerServices;

namespace AntiDistill;

/// <summary>Requests per UTC hour of day (saturating 16-bit counts), mergeable by addition.</summary>
/// <remarks>
/// Keeps Σ c·ln c up to date as counts change, so the entropy on the request path costs one logarithm
/// instead of 24 (it was a tenth of the per-request path in ScoringBenchmarks).
/// </remarks>
internal struct HourHistogram
{
    private static readonly double Log24 = Math.Log(24);

    // The centre of each hour on the unit circle, for the circular mean.
    private static readonly double[] Cosines = [.. Enumerable.Range(0, 24).Select(h => Math.Cos((h + 0.5) * Math.PI / 12))];
    private static readonly double[] Sines = [.. Enumerable.Range(0, 24).Select(h => Math.Sin((h + 0.5) * Math.PI / 12))];

    private Bins _bins;
    private int _total;
    private double _sumCLogC;

    /// <summary>Counts one request at the given UTC hour (0-23).</summary>
    public void Add(int hour)
    {
        ref ushort bin = ref _bins[hour];
        if (bin != ushort.MaxValue)
        {
            _sumCLogC += CLogC(bin + 1) - CLogC(bin);
            bin++;
            _total++;
        }
    }

    /// <summary>The count for one hour.</summary>
    public readonly int this[int hour] => _bins[hour];

    /// <summary>
    /// Entropy of the hour distribution over log(24): 1 when requests are spread evenly around the clock,
    /// low when they follow one person's waking hours, whatever the time zone.
    /// </summary>
    public readonly double NormalizedEntropy()
    {
        // H = ln N - (Σ c ln c) / N
        return _total == 0 ? 0 : Math.Clamp((Math.Log(_total) - (_sumCLogC / _total)) / Log24, 0, 1);
    }

    /// <summary>
    /// The circular mean of the request hours (0 to 24) and how concentrated they are around it (the mean resultant
    /// length: 1 when every request falls in one hour, near 0 when they spread around the clock); (0, 0) when empty.
    /// </summary>
    public readonly (double Hour, double Concentration) CircularMean()
    {
        if (_total == 0)
        {
            return (0, 0);
        }

        double x = 0, y = 0;
        for (int h = 0; h < 24; h++)
        {
            x += _bins[h] * Cosines[h];
            y += _bins[h] * Sines[h];
        }

        double hour = Math.Atan2(y, x) * 12 / Math.PI;
        return (hour < 0 ? hour + 24 : hour, Math.Sqrt((x * x) + (y * y)) / _total);
    }

    /// <summary>Adds another histogram's counts.</summary>
    public void MergeFrom(in HourHistogram other)
    {
        _total = 0;
        _sumCLogC = 0;
        for (int h = 0; h < 24; h++)
        {
            _bins[h] = (ushort)Math.Min(ushort.MaxValue, _bins[h] + other._bins[h]);
            _total += _bins[h];
            _sumCLogC += CLogC(_bins[h]);
        }
    }

    private static double CLogC(int c) => c <= 1 ? 0 : c * Math.Log(c);

    [InlineArray(24)]
    private struct Bins
    {
        private ushort _element0;
    }
}
