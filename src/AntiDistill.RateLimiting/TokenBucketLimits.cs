namespace AntiDistill.RateLimiting;

/// <summary>
/// The shape of one bucket, passed with every store call so that a store keeps only levels and timestamps
/// (and a remote store's script gets them as arguments). Risk does not change these: the limiter weights the
/// cost instead, see <see cref="RiskRateLimiter"/>.
/// </summary>
/// <param name="Capacity">Most tokens the bucket holds; a new bucket starts full. Positive.</param>
/// <param name="TokensPerSecond">Refill rate. Positive.</param>
/// <param name="MaxDebt">How far below zero settling and oversized requests may push the level (0 = no debt). Non-negative.</param>
public readonly record struct TokenBucketLimits(double Capacity, double TokensPerSecond, double MaxDebt);
