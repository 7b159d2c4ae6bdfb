using System.ComponentModel.DataAnnotations;

namespace AntiDistill;

/// <summary>
/// Sharing account state with other nodes through a store (e.g. <c>AntiDistill.Redis</c>). Off by
/// default; the store's registration turns it on. See <see cref="StateReplica"/>.
/// </summary>
public sealed class ReplicationOptions
{
    /// <summary>
    /// Whether the engine keeps, next to each account's state, this node's own contribution (about 400 bytes
    /// more per account) and a feed of the accounts that changed, for a store to ship. Default false.
    /// </summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Accounts that can wait in the change feed between two syncs. Beyond it the next sync ships every
    /// tracked account instead (nothing is lost, one sync is larger). Default 65,536.
    /// </summary>
    [Range(16, 10_000_000)]
    public int ChangeFeedCapacity { get; set; } = 65_536;
}
