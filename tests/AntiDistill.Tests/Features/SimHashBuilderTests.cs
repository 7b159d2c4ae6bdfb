using System.Numerics;
using FsCheck.Xunit;

namespace AntiDistill.Tests.Features;

public class SimHashBuilderTests
{
    [Property]
    public bool ToHash_BitSliced_EqualsNaiveMajorityVote(ulong[] hashes)
    {
        hashes ??= [];
        var builder = default(SimHashBuilder);
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
