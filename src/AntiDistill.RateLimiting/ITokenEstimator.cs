namespace AntiDistill.RateLimiting;

/// <summary>
/// Estimates how many model tokens a UTF-8 text costs, before the request runs. The estimate only decides
/// admission; the real usage is settled afterwards (<see cref="RiskRateLimiter.Settle(RiskPartitionKey, long)"/>),
/// so a cheap, roughly right estimator is usually the better trade.
/// </summary>
/// <remarks>Implementations must be thread-safe, never throw on any input (invalid UTF-8 included) and never return a negative count.</remarks>
public interface ITokenEstimator
{
    /// <summary>Estimated tokens of <paramref name="utf8"/>; 0 for empty text.</summary>
    long EstimateTokens(ReadOnlySpan<byte> utf8);
}
