using System.Threading.RateLimiting;

namespace AntiDistill.RateLimiting;

/// <summary>
/// Metadata on leases refused by <see cref="RiskRateLimiter"/>, besides <see cref="MetadataName.RetryAfter"/> and
/// <see cref="MetadataName.ReasonPhrase"/>.
/// </summary>
public static class RiskRateLimiterMetadata
{
    /// <summary>Which budget refused the request: the account's own or its cluster's (for metrics tags and logs).</summary>
    public static MetadataName<TokenBucketScope> RejectedBy { get; } = MetadataName.Create<TokenBucketScope>("ANTIDISTILL_REJECTED_BY");
}
