namespace AntiDistill.RateLimiting;

/// <summary>Which kind of budget a bucket holds.</summary>
public enum TokenBucketScope : byte
{
    /// <summary>One account's own budget.</summary>
    Account = 0,

    /// <summary>The budget shared by every account linked into one cluster.</summary>
    Cluster = 1,
}
