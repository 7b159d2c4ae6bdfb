namespace AntiDistill.RateLimiting;

/// <summary>
/// The documented cheap estimate: one token per 4 UTF-8 bytes, rounded up (OpenAI's rule of thumb for English;
/// it overestimates text in scripts with multi-byte characters, which errs on the strict side). Constant time.
/// </summary>
public sealed class Utf8LengthTokenEstimator : ITokenEstimator
{
    /// <summary>The shared instance.</summary>
    public static Utf8LengthTokenEstimator Instance { get; } = new();

    /// <inheritdoc />
    public long EstimateTokens(ReadOnlySpan<byte> utf8) => ((long)utf8.Length + 3) / 4;
}
