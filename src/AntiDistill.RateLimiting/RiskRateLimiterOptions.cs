using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AntiDistill.RateLimiting;

/// <summary>
/// Options of <see cref="RiskRateLimiter"/>, bound from <c>AntiDistillation:RateLimiting</c> by default.
/// Budgets are in model tokens. The defaults suit a mid tier of an LLM API; set them to your own tiers.
/// </summary>
public sealed class RiskRateLimiterOptions
{
    /// <summary>The configuration section these options bind from by default.</summary>
    public const string SectionName = "AntiDistillation:RateLimiting";

    /// <summary>Each account's own bucket. Default: capacity 1,000,000 tokens, refill 1,000 tokens/s (3.6M an hour), debt up to 1 capacity.</summary>
    [ValidateObjectMembers]
    public TokenBucketOptions Account { get; set; } = new() { Capacity = 1_000_000, TokensPerSecond = 1_000 };

    /// <summary>
    /// The bucket shared by all accounts linked into one cluster (a hydra of 1,000 light accounts draws on this one budget).
    /// Default: capacity 10,000,000 tokens, refill 10,000 tokens/s (36M an hour), debt up to 1 capacity.
    /// </summary>
    [ValidateObjectMembers]
    public TokenBucketOptions Cluster { get; set; } = new() { Capacity = 10_000_000, TokensPerSecond = 10_000 };

    /// <summary>How budgets shrink as risk rises.</summary>
    [ValidateObjectMembers]
    public RiskTighteningOptions Tightening { get; set; } = new();

    /// <summary>
    /// What to do when the store throws (a remote store down): true lets the request through and logs it,
    /// false rejects it with no Retry-After. Default true (availability over enforcement, as for the rest of AntiDistill).
    /// </summary>
    public bool FailOpen { get; set; } = true;

    /// <summary>Bounds of the default in-memory store (ignored when another <see cref="ITokenBucketStore"/> is registered).</summary>
    [ValidateObjectMembers]
    public InMemoryTokenBucketStoreOptions InMemoryStore { get; set; } = new();
}

/// <summary>The shape of one kind of bucket, before risk tightening.</summary>
public sealed class TokenBucketOptions
{
    /// <summary>Most tokens the bucket holds (the burst); a new bucket starts full. Default 1,000,000.</summary>
    [Range(1d, 1e15)]
    public double Capacity { get; set; } = 1_000_000;

    /// <summary>Tokens added per second, up to <see cref="Capacity"/>. Default 1,000.</summary>
    [Range(1e-6, 1e15)]
    public double TokensPerSecond { get; set; } = 1_000;

    /// <summary>
    /// How deep into debt the bucket may go, as a multiple of <see cref="Capacity"/>: when the real usage settled after
    /// a response exceeds the estimate, the level may drop below zero, delaying the next request. 0 disables debt. Default 1.
    /// </summary>
    [Range(0d, 1000d)]
    public double MaxDebtRatio { get; set; } = 1;

    internal TokenBucketLimits ToLimits() => new(Capacity, TokensPerSecond, Capacity * MaxDebtRatio);
}

/// <summary>
/// Risk tightening: a request at risk <c>r</c> is charged <c>cost / m(r)</c> tokens, which is the same as shrinking
/// the bucket's capacity and refill by the multiplier <c>m(r)</c>. m is 1 up to <see cref="StartRisk"/>, then falls
/// geometrically to <see cref="MinimumMultiplier"/> at risk 1: <c>m(r) = MinimumMultiplier^((r - StartRisk) / (1 - StartRisk))</c>.
/// With the defaults: m(0.5) = 1, m(0.7) ≈ 0.21, m(0.9) ≈ 0.044, m(1) = 0.02.
/// </summary>
public sealed class RiskTighteningOptions
{
    /// <summary>Risk up to which budgets are untouched. Default 0.5, the engine's default suspicious threshold, so organic accounts are never tightened.</summary>
    [Range(0d, 0.99d)]
    public double StartRisk { get; set; } = 0.5;

    /// <summary>The multiplier at risk 1. 1 turns tightening off. Default 0.02 (a fiftieth of the budget).</summary>
    [Range(1e-4, 1d)]
    public double MinimumMultiplier { get; set; } = 0.02;
}

/// <summary>Bounds of <see cref="InMemoryTokenBucketStore"/>.</summary>
public sealed class InMemoryTokenBucketStoreOptions
{
    /// <summary>
    /// Most buckets held at once (accounts and clusters together). When a shard is full, a bucket that has refilled
    /// to capacity (forgetting it loses nothing) or else the least recently used one (CLOCK) makes room, so rotating
    /// through millions of keys cannot grow memory. About 90 bytes a bucket (48 for its state, the rest for its index entry), so the default holds at most about 90 MB. Default 1,000,000.
    /// </summary>
    [Range(1, 100_000_000)]
    public int MaxBuckets { get; set; } = 1_000_000;

    /// <summary>Number of independently locked shards (rounded up to a power of two, at most <see cref="MaxBuckets"/>). Default 64.</summary>
    [Range(1, 4096)]
    public int Shards { get; set; } = 64;
}
