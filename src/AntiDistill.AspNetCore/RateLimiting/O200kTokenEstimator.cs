using System.Buffers;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace AntiDistill.RateLimiting;

/// <summary>
/// Exact counts with the <c>o200k_base</c> encoding (GPT-4o and later) from <c>Microsoft.ML.Tokenizers</c>.
/// Costs a UTF-8 decode and a tokenizer pass per request (see RiskRateLimiterBenchmarks for the price against
/// <see cref="Utf8LengthTokenEstimator"/>); texts longer than <see cref="MaxExactBytes"/> fall back to bytes/4
/// so one huge body cannot make the estimate itself expensive.
/// </summary>
public sealed class O200kTokenEstimator : ITokenEstimator
{
    /// <summary>Longest text, in UTF-8 bytes, counted exactly; longer ones are estimated as bytes/4. 256 KiB.</summary>
    public const int MaxExactBytes = 256 * 1024;

    private static readonly Lazy<O200kTokenEstimator> Shared = new(static () => new O200kTokenEstimator());

    private readonly Tokenizer _tokenizer;

    private O200kTokenEstimator() => _tokenizer = TiktokenTokenizer.CreateForEncoding("o200k_base");

    /// <summary>The shared instance; the vocabulary (a few MB) loads on first use.</summary>
    public static O200kTokenEstimator Instance => Shared.Value;

    /// <inheritdoc />
    public long EstimateTokens(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return 0;
        }

        if (utf8.Length > MaxExactBytes)
        {
            return Utf8LengthTokenEstimator.Instance.EstimateTokens(utf8);
        }

        // UTF-16 never needs more chars than UTF-8 has bytes; invalid sequences decode to U+FFFD instead of throwing.
        char[]? rented = null;
        Span<char> chars = utf8.Length <= 1024 ? stackalloc char[1024] : (rented = ArrayPool<char>.Shared.Rent(utf8.Length));
        try
        {
            int length = Encoding.UTF8.GetChars(utf8, chars);
            return _tokenizer.CountTokens(chars[..length], considerPreTokenization: true, considerNormalization: false);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }
}
