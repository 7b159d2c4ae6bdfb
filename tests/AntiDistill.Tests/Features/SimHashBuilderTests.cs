using System.Numerics;
using FsCheck.Xunit;

namespace AntiDistill.Tests.Features;

public class SimHashBuilderTests
{
    [Property]
    public bool ToHash_Vectorized_EqualsNaiveMajorityVote(ulong[] hashes) => Check(default, hashes);

    [Property]
    public bool ToHash_BitSliced_EqualsNaiveMajorityVote(ulong[] hashes) => Check(SimHashBuilder.CreateScalar(), hashes);

    [Property(MaxTest = 20)]
    public bool ToHash_ManyHashesAcrossFlushes_EqualsNaiveMajorityVote(int seed)
    {
        var rng = new Random(seed);
        var hashes = new ulong[300 + rng.Next(3000)];
        for (int i = 0; i < hashes.Length; i++)
        {
            // Skewed bits, so that the majority is not a coin flip in every position.
            hashes[i] = (ulong)rng.NextInt64() & (ulong)rng.NextInt64() | (rng.Next(3) == 0 ? 0xFFFF0000UL : 0);
        }

        return Check(default, hashes) && Check(SimHashBuilder.CreateScalar(), hashes);
    }

    [Property]
    public bool Of64_EqualsTheBuilderAndTheNaiveMajorityVote(int seed, bool skewed)
    {
        var rng = new Random(seed);
        var hashes = new ulong[64];
        for (int i = 0; i < hashes.Length; i++)
        {
            // Skewed inputs put many counters right at the threshold (32 of 64), where an off-by-one would show.
            hashes[i] = skewed ? (ulong)rng.NextInt64() & (ulong)rng.NextInt64() | (rng.Next(2) == 0 ? 0xF0F0F0F0UL : 0) : (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 33);
        }

        var builder = default(SimHashBuilder);
        foreach (ulong h in hashes)
        {
            builder.Add(h);
        }

        return SimHashBuilder.Of64(hashes) == builder.ToHash() && Check(default, hashes);
    }

    [Property(MaxTest = 500)]
    public bool SimHashOfBins_Compute_EqualsTheScalarReference(int seed, byte emptyBins)
    {
        // Random bins, some left empty (uint.MaxValue) as in a sparse signature: the features' 64-bit majorities
        // land on exactly 32 of 64 often enough to catch an off-by-one in the bit-sliced count. On a machine without
        // AVX-512 both sides are the scalar path.
        var rng = new Random(seed);
        var bins = new uint[MinHashSignature.Length];
        for (int i = 0; i < bins.Length; i++)
        {
            bins[i] = rng.Next(64) < emptyBins % 64 ? MinHashSignature.Empty : (uint)rng.Next() ^ ((uint)rng.Next(2) << 31);
        }

        return SimHashOfBins.Compute(bins) == SimHashOfBins.Scalar(bins);
    }

    [Fact]
    public void SimHashOfBins_Compute_WrongLength_Throws()
    {
        Assert.Throws<ArgumentException>(() => SimHashOfBins.Compute(new uint[63]));
    }

    private static bool Check(SimHashBuilder builder, ulong[]? hashes)
    {
        hashes ??= [];
        var counts = new int[64];
        foreach (ulong h in hashes)
        {
            builder.Add(h);
            for (int b = 0; b < 64; b++)
            {
                counts[b] += (int)((h >> b) & 1);
            }
        }

        ulong expected = 0;
        for (int b = 0; b < 64; b++)
        {
            if (counts[b] > hashes.Length / 2)
            {
                expected |= 1UL << b;
            }
        }

        return builder.ToHash() == expected;
    }

    [Fact]
    public void Add_BeyondCapacity_IsIgnoredNotOverflowed()
    {
        var builder = default(SimHashBuilder);
        for (int i = 0; i < SimHashBuilder.MaxShingles + 10; i++)
        {
            builder.Add(ulong.MaxValue);
        }

        Assert.Equal(SimHashBuilder.MaxShingles, builder.Count);
        Assert.Equal(ulong.MaxValue, builder.ToHash());
        Assert.Equal(64, BitOperations.PopCount(builder.ToHash()));
    }
}
