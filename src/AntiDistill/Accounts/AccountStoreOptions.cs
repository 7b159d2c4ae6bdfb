using System.ComponentModel.DataAnnotations;

namespace AntiDistill;

/// <summary>Bounds of the in-memory account store.</summary>
public sealed class AccountStoreOptions
{
    /// <summary>
    /// Most accounts tracked at once. When full, the least recently active account (approximated with
    /// CLOCK) makes room, so rotating through millions of keys cannot grow memory. Default 1,000,000
    /// (about 0.7 GiB).
    /// </summary>
    [Range(1, 100_000_000)]
    public int MaxAccounts { get; set; } = 1_000_000;

    /// <summary>Accounts idle this long are forgotten by <see cref="DistillationEngine.EvictIdle"/>. Must be positive. Default 30 days.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Number of independently locked shards (rounded up to a power of two). Default 64.</summary>
    [Range(1, 4096)]
    public int Shards { get; set; } = 64;
}
