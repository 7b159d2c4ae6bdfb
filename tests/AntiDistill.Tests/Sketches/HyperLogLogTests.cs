using FsCheck;
using FsCheck.Xunit;

namespace AntiDistill.Tests.Sketches;

public class HyperLogLogTests
{
    private static HyperLogLog Of(int from, int count)
    {
        var hll = default(HyperLogLog);
        for (int i = from; i < from + count; i++)
        {
            hll.Add(WordHash.Mix((ulong)i * 0x9E3779B97F4A7C15UL + 17));
        }

        return hll;
    }

    [Property(MaxTest = 100)]
    public bool Estimate_DistinctCount_WithinFourStandardErrors(PositiveInt n)
    {
        int count = n.Get % 100_000;
        double estimate = Of(0, count).Estimate();
        return Math.Abs(estimate - count) <= (4 * HyperLogLog.StandardError * count) + 2;
    }

    [Property(MaxTest = 100)]
    public bool Add_Duplicates_DoNotChangeTheEstimate(PositiveInt n)
    {
        int count = n.Get % 5000;
        var once = Of(0, count);
        var twice = Of(0, count);
        for (int i = 0; i < count; i++)
        {
            twice.Add(WordHash.Mix((ulong)i * 0x9E3779B97F4A7C15UL + 17));
        }

        return once.Estimate() == twice.Estimate();
    }

    [Property(MaxTest = 100)]
    public bool MergeFrom_IsCommutativeAssociativeAndIdempotent(PositiveInt x, PositiveInt y, PositiveInt z)
    {
        var a = Of(0, x.Get % 3000);
        var b = Of(1500, y.Get % 3000);
        var c = Of(4000, z.Get % 3000);

        var ab_c = a;
        ab_c.MergeFrom(b);
        ab_c.MergeFrom(c);
        var bc = b;
        bc.MergeFrom(c);
        var a_bc = a;
        a_bc.MergeFrom(bc);
        var cba = c;
        cba.MergeFrom(b);
        cba.MergeFrom(a);
        var again = ab_c;
        again.MergeFrom(ab_c);

        return ab_c.AsSpan().SequenceEqual(a_bc.AsSpan())
            && ab_c.AsSpan().SequenceEqual(cba.AsSpan())
            && Math.Abs(ab_c.Estimate() - a_bc.Estimate()) < 1e-6
            && Math.Abs(ab_c.Estimate() - cba.Estimate()) < 1e-6
            && again.Estimate() == ab_c.Estimate();
    }

    [Fact]
    public void MergeFrom_Overlapping_EstimatesTheUnion()
    {
        var a = Of(0, 20_000);
        a.MergeFrom(Of(10_000, 20_000));
        Assert.InRange(a.Estimate(), 30_000 * (1 - (4 * HyperLogLog.StandardError)), 30_000 * (1 + (4 * HyperLogLog.StandardError)));
    }

    [Fact]
    public void Default_IsAnEmptySketch()
    {
        var empty = default(HyperLogLog);
        Assert.Equal(0, empty.Estimate());
        var other = Of(0, 10);
        other.MergeFrom(empty);
        Assert.InRange(other.Estimate(), 9, 11);
    }
}
