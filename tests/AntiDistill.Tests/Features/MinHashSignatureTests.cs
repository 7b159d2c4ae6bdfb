using FsCheck;
using FsCheck.Xunit;

namespace AntiDistill.Tests.Features;

public class MinHashSignatureTests
{
    /// <summary>Signature of the set {shared ∪ own}: shingle hashes made from integers, well mixed.</summary>
    private static MinHashSignature Signature(int sharedCount, int ownCount, int ownSeed)
    {
        var s = MinHashSignature.CreateEmpty();
        for (int i = 0; i < sharedCount; i++)
        {
            s.Add(Mix((ulong)i));
        }

        for (int i = 0; i < ownCount; i++)
        {
            s.Add(Mix(((ulong)ownSeed << 40) + (ulong)i + 1_000_000));
        }

        return s;
    }

    private static ulong Mix(ulong x) => System.IO.Hashing.XxHash3.HashToUInt64(BitConverter.GetBytes(x));

    [Property(MaxTest = 200)]
    public bool EstimateJaccard_KnownOverlap_WithinFourStandardErrors(PositiveInt shared, PositiveInt onlyA, PositiveInt onlyB)
    {
        int s = 50 + (shared.Get % 2000), a = onlyA.Get % 2000, b = onlyB.Get % 2000;
        var sigA = Signature(s, a, 1);
        var sigB = Signature(s, b, 2);
        sigA.Densify();
        sigB.Densify();
        double truth = s / (double)(s + a + b);
        double error = Math.Sqrt(truth * (1 - truth) / MinHashSignature.Length);
        return Math.Abs(sigA.EstimateJaccard(sigB) - truth) <= (4 * error) + 0.02;
    }

    [Property]
    public bool MergeFrom_IsTheSignatureOfTheUnion(PositiveInt x, PositiveInt y)
    {
        var a = Signature(0, x.Get % 500, 1);
        var b = Signature(0, y.Get % 500, 2);
        var union = MinHashSignature.CreateEmpty();
        var direct = Signature(0, x.Get % 500, 1);
        var other = Signature(0, y.Get % 500, 2);
        union.MergeFrom(a);
        union.MergeFrom(b);
        direct.MergeFrom(other);
        return union.EstimateJaccard(direct) == 1.0;
    }

    [Property]
    public bool MergeFrom_IsCommutativeAndAssociative(PositiveInt x, PositiveInt y, PositiveInt z)
    {
        var a = Signature(0, x.Get % 300, 1);
        var b = Signature(0, y.Get % 300, 2);
        var c = Signature(0, z.Get % 300, 3);

        var left = a;
        left.MergeFrom(b);
        left.MergeFrom(c);

        var bc = b;
        bc.MergeFrom(c);
        var right = c;
        right.MergeFrom(b);
        right.MergeFrom(a);
        var grouped = a;
        grouped.MergeFrom(bc);

        return left.EstimateJaccard(right) == 1.0 && left.EstimateJaccard(grouped) == 1.0;
    }

    [Fact]
    public void Densify_FillsEveryBin_AndKeepsIdenticalSetsIdentical()
    {
        var a = Signature(0, 5, 1);
        var b = Signature(0, 5, 1);
        a.Densify();
        b.Densify();
        Assert.DoesNotContain(MinHashSignature.Empty, ((ReadOnlySpan<uint>)a).ToArray());
        Assert.Equal(1.0, a.EstimateJaccard(b));
    }

    [Fact]
    public void Densify_EmptySet_StaysEmpty()
    {
        var empty = MinHashSignature.CreateEmpty();
        empty.Densify();
        Assert.True(empty.IsEmpty);
    }
}
