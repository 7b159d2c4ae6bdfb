using FsCheck;
using FsCheck.Xunit;

namespace AntiDistill.Tests.Sketches;

public class TopTemplatesTests
{
    [Fact]
    public void Add_HeavyHitterAmongNoise_IsKeptWithItsCount()
    {
        var top = default(TopTemplates);
        for (int i = 0; i < 1000; i++)
        {
            top.Add(i % 2 == 0 ? 42UL : (ulong)(1000 + i));
        }

        Assert.Equal(42UL, top.Top);
        Assert.InRange(top.TopCount, 500, 1000);
    }

    [Fact]
    public void MergeFrom_AddsCountsOfTheSameTemplate()
    {
        var a = default(TopTemplates);
        var b = default(TopTemplates);
        for (int i = 0; i < 30; i++)
        {
            a.Add(7);
            b.Add(7);
        }

        b.Add(9);
        a.MergeFrom(b);
        Assert.Equal(7UL, a.Top);
        Assert.Equal(60, a.TopCount);
    }

    [Fact]
    public void Add_Zero_IsIgnored()
    {
        var top = default(TopTemplates);
        top.Add(0);
        Assert.Equal(0, top.TopCount);
        Assert.Equal(0UL, top.Top);
    }
}

public class GapStatisticsTests
{
    [Property]
    public bool MergeFrom_EqualsAddingSequentially(NormalFloat[] first, NormalFloat[] second)
    {
        first ??= [];
        second ??= [];
        var sequential = default(GapStatistics);
        var a = default(GapStatistics);
        var b = default(GapStatistics);
        foreach (var x in first)
        {
            sequential.Add(Math.Abs(x.Get) % 1e6);
            a.Add(Math.Abs(x.Get) % 1e6);
        }

        foreach (var x in second)
        {
            sequential.Add(Math.Abs(x.Get) % 1e6);
            b.Add(Math.Abs(x.Get) % 1e6);
        }

        a.MergeFrom(b);
        return a.Count == sequential.Count
            && Math.Abs(a.Mean - sequential.Mean) < 1e-3
            && Math.Abs(a.StandardDeviation - sequential.StandardDeviation) < 1e-2;
    }

    [Fact]
    public void StandardDeviation_MetronomeIsZero_PersonIsLarge()
    {
        var metronome = default(GapStatistics);
        var person = default(GapStatistics);
        var rng = new Random(1);
        for (int i = 0; i < 100; i++)
        {
            metronome.Add(60);
            person.Add(rng.Next(2) == 0 ? 20 + rng.Next(40) : 3600 * (1 + rng.Next(20)));
        }

        Assert.True(metronome.StandardDeviation < 1e-3);
        Assert.True(person.StandardDeviation > 2);
    }
}

public class HourHistogramTests
{
    [Fact]
    public void CircularMean_HoursAcrossMidnight_CentreOnMidnightNotNoon()
    {
        // 23:xx and 00:xx are an hour apart: an arithmetic mean would put them at noon.
        var hours = default(HourHistogram);
        for (int i = 0; i < 10; i++)
        {
            hours.Add(23);
            hours.Add(0);
        }

        var (hour, concentration) = hours.CircularMean();
        Assert.True(hour < 0.01 || hour > 23.99, $"mean hour {hour}");
        Assert.True(concentration > 0.95, $"concentration {concentration}");
    }

    [Fact]
    public void CircularMean_AroundTheClock_NoConcentration_EmptyIsZero()
    {
        var hours = default(HourHistogram);
        Assert.Equal((0.0, 0.0), hours.CircularMean());
        for (int h = 0; h < 24; h++)
        {
            hours.Add(h);
        }

        Assert.Equal(0, hours.CircularMean().Concentration, 1e-9);

        var window = default(HourHistogram);
        for (int h = 9; h < 18; h++)
        {
            window.Add(h);
        }

        var (hour, concentration) = window.CircularMean();
        Assert.Equal(13.5, hour, 1e-9); // 09:00-17:59, centred on 13:30
        Assert.InRange(concentration, 0.7, 0.9);
    }

    [Fact]
    public void NormalizedEntropy_AroundTheClockIsOne_OneHourIsZero()
    {
        var clock = default(HourHistogram);
        var evening = default(HourHistogram);
        for (int h = 0; h < 24 * 10; h++)
        {
            clock.Add(h % 24);
            evening.Add(20);
        }

        Assert.Equal(1.0, clock.NormalizedEntropy(), 6);
        Assert.Equal(0.0, evening.NormalizedEntropy(), 6);
        Assert.Equal(0.0, default(HourHistogram).NormalizedEntropy());
    }

    /// <summary>
    /// The running entropy (Σ c·ln c kept up to date on each add) matches the entropy computed from the counts, for any
    /// mix of hours, including a bin with tens of thousands of requests and one at saturation.
    /// </summary>
    [Property(MaxTest = 100)]
    public bool NormalizedEntropy_AnyAdds_MatchesEntropyOfTheCounts(byte[] hours, PositiveInt heavy)
    {
        var histogram = default(HourHistogram);
        int bulk = heavy.Get * 701 % 70_000; // FsCheck keeps PositiveInt small: spread it up to past ushort.MaxValue, where the bin saturates
        for (int i = 0; i < bulk; i++)
        {
            histogram.Add(7);
        }

        foreach (byte h in hours ?? [])
        {
            histogram.Add(h % 24);
        }

        double total = 0, sum = 0;
        for (int h = 0; h < 24; h++)
        {
            total += histogram[h];
            sum += histogram[h] <= 1 ? 0 : histogram[h] * Math.Log(histogram[h]);
        }

        double expected = total == 0 ? 0 : Math.Clamp((Math.Log(total) - (sum / total)) / Math.Log(24), 0, 1);
        return Math.Abs(histogram.NormalizedEntropy() - expected) < 1e-9;
    }

    [Fact]
    public void MergeFrom_AddsAndSaturates()
    {
        var a = default(HourHistogram);
        var b = default(HourHistogram);
        for (int i = 0; i < 40_000; i++)
        {
            a.Add(3);
            b.Add(3);
        }

        a.MergeFrom(b);
        Assert.Equal(ushort.MaxValue, a[3]);
    }
}

public class RecentSimHashesTests
{
    [Fact]
    public void NearestThenAdd_ReportsDistanceToClosestRecent()
    {
        var recent = default(RecentSimHashes);
        Assert.Equal(64, recent.NearestThenAdd(0b1111));
        Assert.Equal(1, recent.NearestThenAdd(0b0111));
        Assert.Equal(0, recent.NearestThenAdd(0b0111));
        for (int i = 0; i < RecentSimHashes.Capacity; i++)
        {
            recent.NearestThenAdd(ulong.MaxValue);
        }

        // The early hashes have rotated out.
        Assert.Equal(61, recent.NearestThenAdd(0b0111));
    }
}
