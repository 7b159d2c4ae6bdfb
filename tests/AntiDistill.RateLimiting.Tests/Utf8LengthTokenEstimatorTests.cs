using System.Text;

namespace AntiDistill.RateLimiting.Tests;

public class Utf8LengthTokenEstimatorTests
{
    [Theory]
    [InlineData("", 0)]
    [InlineData("a", 1)]
    [InlineData("abcd", 1)]
    [InlineData("abcde", 2)]
    [InlineData("éé", 1)]
    public void EstimateTokens_Text_BytesOverFourRoundedUp(string text, long expected)
        => Assert.Equal(expected, Utf8LengthTokenEstimator.Instance.EstimateTokens(Encoding.UTF8.GetBytes(text)));
}
