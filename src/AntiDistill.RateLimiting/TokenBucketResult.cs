namespace AntiDistill.RateLimiting;

/// <summary>The outcome of <see cref="ITokenBucketStore.TryTake"/>.</summary>
/// <param name="Acquired">Whether the tokens were taken.</param>
/// <param name="Remaining">The bucket's level after the call (negative while in debt).</param>
/// <param name="RetryAfter">When refused, how long until the same take would succeed; <see cref="TimeSpan.Zero"/> when acquired.</param>
public readonly record struct TokenBucketResult(bool Acquired, double Remaining, TimeSpan RetryAfter);
