using System.Threading.RateLimiting;

namespace AntiDistill.RateLimiting;

/// <summary>
/// Leases of <see cref="RiskRateLimiter"/>. Tokens are spent, not borrowed (a token bucket), so disposing a lease
/// returns nothing; it is still correct and cheap to dispose every lease.
/// </summary>
internal sealed class RiskLease : RateLimitLease
{
    private static readonly string[] RejectedNames = [MetadataName.RetryAfter.Name, MetadataName.ReasonPhrase.Name, RiskRateLimiterMetadata.RejectedBy.Name];
    private static readonly string[] StoreFailedNames = [MetadataName.ReasonPhrase.Name];

    private readonly TimeSpan _retryAfter;
    private readonly TokenBucketScope _scope;
    private readonly string? _reason;

    private RiskLease(bool acquired, TimeSpan retryAfter, TokenBucketScope scope, string? reason)
    {
        IsAcquired = acquired;
        _retryAfter = retryAfter;
        _scope = scope;
        _reason = reason;
    }

    /// <summary>The one success lease, shared: success carries no metadata, so the request path allocates none.</summary>
    public static RiskLease Acquired { get; } = new(true, TimeSpan.Zero, default, null);

    /// <summary>Refused because the store failed and the limiter fails closed; no Retry-After, since none is known.</summary>
    public static RiskLease StoreUnavailable { get; } = new(false, TimeSpan.Zero, default, "token bucket store unavailable");

    public override bool IsAcquired { get; }

    public override IEnumerable<string> MetadataNames
        => IsAcquired ? [] : ReferenceEquals(this, StoreUnavailable) ? StoreFailedNames : RejectedNames;

    /// <summary>A refusal with the wait and the budget that refused.</summary>
    public static RiskLease Rejected(TimeSpan retryAfter, TokenBucketScope scope)
        => new(false, retryAfter, scope, scope == TokenBucketScope.Account ? "account token budget exhausted" : "cluster token budget exhausted");

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        if (!IsAcquired && _reason is not null)
        {
            if (metadataName == MetadataName.ReasonPhrase.Name)
            {
                metadata = _reason;
                return true;
            }

            if (!ReferenceEquals(this, StoreUnavailable))
            {
                if (metadataName == MetadataName.RetryAfter.Name)
                {
                    metadata = _retryAfter;
                    return true;
                }

                if (metadataName == RiskRateLimiterMetadata.RejectedBy.Name)
                {
                    metadata = _scope;
                    return true;
                }
            }
        }

        metadata = null;
        return false;
    }
}
