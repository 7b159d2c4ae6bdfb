using System.Text;
using AntiDistill.RateLimiting;
using FsCheck.Xunit;

namespace AntiDistill.AspNetCore.Tests.RateLimiting;

public class O200kTokenEstimatorTests
{
    [Fact]
    public void O200k_EstimateTokens_CountsLikeTheTokenizer()
    {
        Assert.Equal(2, O200kTokenEstimator.Instance.EstimateTokens("Hello world"u8));
        Assert.Equal(0, O200kTokenEstimator.Instance.EstimateTokens([]));
    }

    [Fact]
    public void O200k_EstimateTokens_EnglishProseNearBytesOverFour()
    {
        var prose = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog while the committee reviews its quarterly budget. ", 40)));

        long exact = O200kTokenEstimator.Instance.EstimateTokens(prose);
        long cheap = Utf8LengthTokenEstimator.Instance.EstimateTokens(prose);

        Assert.InRange(exact, cheap / 2, cheap * 2);
    }

    [Fact]
    public void O200k_EstimateTokens_InvalidUtf8_CountsReplacementsWithoutThrowing()
        => Assert.InRange(O200kTokenEstimator.Instance.EstimateTokens([0xFF, 0xFE, 0xC3, (byte)'a']), 1, 4);

    [Fact]
    public void O200k_EstimateTokens_LongerThanExactLimit_FallsBackToBytesOverFour()
    {
        var huge = new byte[O200kTokenEstimator.MaxExactBytes + 1];
        huge.AsSpan().Fill((byte)'x');

        Assert.Equal(Utf8LengthTokenEstimator.Instance.EstimateTokens(huge), O200kTokenEstimator.Instance.EstimateTokens(huge));
    }

    [Fact]
    public void O200k_EstimateTokens_ConcurrentCallers_SameCounts()
    {
        var text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("Reconstruct the reasoning step by step. ", 200)));
        long expected = O200kTokenEstimator.Instance.EstimateTokens(text);
        var counts = new long[4];

        Parallel.For(0, 4, i =>
        {
            for (int round = 0; round < 20; round++)
            {
                counts[i] = O200kTokenEstimator.Instance.EstimateTokens(text);
            }
        });

        Assert.All(counts, count => Assert.Equal(expected, count));
    }

    [Property(MaxTest = 200)]
    public bool O200k_EstimateTokens_AnyBytes_NonNegativeAndNeverThrows(byte[] utf8)
    {
        utf8 ??= [];
        long exact = O200kTokenEstimator.Instance.EstimateTokens(utf8);
        return exact >= 0 && (utf8.Length == 0) == (exact == 0);
    }
}
