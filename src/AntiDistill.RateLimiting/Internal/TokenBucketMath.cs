namespace AntiDistill.RateLimiting;

/// <summary>
/// The bucket arithmetic every store shares (see <see cref="ITokenBucketStore"/> for the contract). Kept in one
/// place, over plain numbers, so that a remote store's script can be checked against it line by line.
/// </summary>
internal static class TokenBucketMath
{
    // Refill in floating point can land a hair below the level the caller waited for (RetryAfter is rounded up
    // to whole ticks, but rate × elapsed is not exact); a relative tolerance this small never admits a real shortfall.
    private const double Tolerance = 1e-9;

    /// <summary>Level after refilling for <paramref name="elapsedSeconds"/> (negative elapsed, a clock stepping back, refills nothing).</summary>
    public static double Refill(double level, double elapsedSeconds, in TokenBucketLimits limits)
        => elapsedSeconds <= 0 ? Math.Min(level, limits.Capacity) : Math.Min(limits.Capacity, level + (elapsedSeconds * limits.TokensPerSecond));

    /// <summary>Takes <paramref name="tokens"/> if the level admits them; returns the outcome and updates the level.</summary>
    public static TokenBucketResult TryTake(ref double level, double tokens, in TokenBucketLimits limits)
    {
        double admit = Math.Min(Math.Max(tokens, 0), limits.Capacity);
        if (level + (Tolerance * Math.Max(admit, 1)) >= admit)
        {
            level = Math.Max(level - Math.Max(tokens, 0), -limits.MaxDebt);
            return new TokenBucketResult(true, level, TimeSpan.Zero);
        }

        return new TokenBucketResult(false, level, WaitFor(admit - level, limits.TokensPerSecond));
    }

    /// <summary>Charges (positive) or refunds (negative) <paramref name="tokens"/>, keeping the level within [−maxDebt, capacity].</summary>
    public static double Settle(double level, double tokens, in TokenBucketLimits limits)
        => Math.Clamp(level - tokens, -limits.MaxDebt, limits.Capacity);

    /// <summary>Seconds until a bucket at <paramref name="level"/> is full again.</summary>
    public static double SecondsToFull(double level, in TokenBucketLimits limits)
        => level >= limits.Capacity ? 0 : (limits.Capacity - level) / limits.TokensPerSecond;

    /// <summary>How long a refill of <paramref name="missing"/> tokens takes, rounded up to a whole tick so that waiting it always suffices.</summary>
    public static TimeSpan WaitFor(double missing, double tokensPerSecond)
    {
        double ticks = Math.Ceiling(missing / tokensPerSecond * TimeSpan.TicksPerSecond);
        return ticks <= 0 ? TimeSpan.Zero : ticks >= TimeSpan.MaxValue.Ticks ? TimeSpan.MaxValue : TimeSpan.FromTicks((long)ticks);
    }
}
