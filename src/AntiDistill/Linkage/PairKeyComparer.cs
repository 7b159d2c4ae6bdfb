namespace AntiDistill;

/// <summary>
/// Hashes pair keys (two node ids packed into a long) well. <see cref="long.GetHashCode"/> folds the halves
/// with XOR, so every pair (a, b) with the same a ^ b collides, and a hydra's pairs piled into a few
/// buckets: this took the 25,000-account benchmark from quadratic to linear.
/// </summary>
internal sealed class PairKeyComparer : IEqualityComparer<long>
{
    public static PairKeyComparer Instance { get; } = new();

    public bool Equals(long x, long y) => x == y;

    public int GetHashCode(long obj) => (int)(WordHash.Mix((ulong)obj) >> 32);
}
