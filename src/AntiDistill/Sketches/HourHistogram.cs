using System.Runtime.CompilerServices;

namespace AntiDistill;

/// <summary>Requests per UTC hour of day (saturating 16-bit counts), mergeable by addition.</summary>
public struct HourHistogram
{
    private Bins _bins;

    /// <summary>Counts one request at the given UTC hour (0-23).</summary>
    public void Add(int hour)
    {
        ref ushort bin = ref _bins[hour];
        if (bin != ushort.MaxValue)
        {
            bin++;
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
        double total = 0;
        for (int h = 0; h < 24; h++)
        {
            total += _bins[h];
        }

        if (total == 0)
        {
            return 0;
        }

        double entropy = 0;
        for (int h = 0; h < 24; h++)
        {
            if (_bins[h] != 0)
            {
                double p = _bins[h] / total;
                entropy -= p * Math.Log(p);
            }
        }

        return entropy / Math.Log(24);
    }

    /// <summary>Adds another histogram's counts.</summary>
    public void MergeFrom(in HourHistogram other)
    {
        for (int h = 0; h < 24; h++)
        {
            _bins[h] = (ushort)Math.Min(ushort.MaxValue, _bins[h] + other._bins[h]);
        }
    }

    [InlineArray(24)]
    private struct Bins
    {
        private ushort _element0;
    }
}
