using System.IO.Hashing;
using System.Net;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace AntiDistill.AspNetCore;

/// <summary>
/// Remembers the keyed HMACs of identifiers seen recently (API keys, user agents, TLS fingerprints, IP prefixes),
/// so a returning caller costs one memory read instead of three or four HMAC-SHA256 computations (~1.2 µs each).
/// </summary>
/// <remarks>
/// <para>
/// Entries are keyed by a 64-bit XxHash3 of the identifier under a random per-process seed, never by the identifier
/// itself, so the cache keeps no API key or address in clear (like the engine's state). A collision would need
/// the seed; at the default size its chance is about 1e-10 per lookup.
/// </para>
/// <para>
/// A fixed two-way set-associative table rather than a dictionary: a lookup reads one set (a dictionary chases a
/// bucket, then a node: with thousands of callers both are cache misses, ~0.1 µs per request under load), and it
/// never grows. Readers take no lock. Each entry carries a check word, <c>Check(key, hash)</c>, injective in either
/// argument, so a read torn by a concurrent write (key of one write, hash of another) fails the check and counts as
/// a miss: the worst a race costs is one HMAC recomputed. Two callers that fall in one set take turns in it.
/// </para>
/// </remarks>
internal sealed class IdentityHashCache
{
    private const int AddressKind = 255;

    private readonly IdentityHasher _hasher;
    private readonly Entry[] _entries;
    private readonly int _setMask;
    private readonly ulong _seed = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));

    /// <param name="hasher">Computes the hashes on a miss.</param>
    /// <param name="capacity">Most entries held (rounded down to a power of two, at least 2); 65,536 take 1.5 MiB.</param>
    public IdentityHashCache(IdentityHasher hasher, int capacity = 65_536)
    {
        _hasher = hasher;
        int sets = 1 << BitOperations.Log2((uint)Math.Max(1, capacity / 2));
        _entries = new Entry[2 * sets];
        _setMask = sets - 1;
    }

    /// <summary>Entries in use (a scan: for tests and diagnostics).</summary>
    public int Count
    {
        get
        {
            int count = 0;
            foreach (ref readonly var entry in _entries.AsSpan())
            {
                count += entry.Key != 0 ? 1 : 0;
            }

            return count;
        }
    }

    /// <summary>The identity hash of <paramref name="value"/> (0 for empty), <paramref name="kind"/> keeping e.g. a key and a user agent with the same text apart.</summary>
    public ulong Hash(ReadOnlySpan<char> value, byte kind)
    {
        if (value.IsEmpty)
        {
            return 0;
        }

        ulong key = KeyOf(XxHash3.HashToUInt64(MemoryMarshal.AsBytes(value), (long)(_seed + kind)));
        if (!TryGet(key, out ulong hash))
        {
            hash = _hasher.Hash(value);
            Add(key, hash);
        }

        return hash;
    }

    /// <summary>The keyed hash of the address's network prefix (see <see cref="IdentityHasher.IpPrefix"/>).</summary>
    public ulong IpPrefix(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out int written))
        {
            return _hasher.IpPrefix(address);
        }

        // Keyed by the whole address: cheaper than computing the prefix here, and the hasher decides the prefix.
        ulong key = KeyOf(XxHash3.HashToUInt64(bytes[..written], (long)(_seed + AddressKind)));
        if (!TryGet(key, out ulong hash))
        {
            hash = _hasher.IpPrefix(address);
            Add(key, hash);
        }

        return hash;
    }

    /// <summary>0 marks an empty entry, so no key is 0.</summary>
    private static ulong KeyOf(ulong hash) => hash | 1;

    /// <summary>Whether an entry read as (<paramref name="entryKey"/>, <paramref name="entryHash"/>, <paramref name="entryCheck"/>), possibly torn, answers <paramref name="key"/>.</summary>
    internal static bool Answers(ulong key, ulong entryKey, ulong entryHash, ulong entryCheck) => entryKey == key && entryCheck == Check(entryKey, entryHash);

    /// <summary>
    /// The check word stored beside a key and its hash: injective in the key for a fixed hash (an odd multiply and a
    /// rotation are bijections) and in the hash for a fixed key, which is what makes torn reads detectable.
    /// </summary>
    internal static ulong Check(ulong key, ulong hash) => BitOperations.RotateLeft(key * 0x9E3779B97F4A7C15UL, 31) ^ hash;

    private bool TryGet(ulong key, out ulong hash)
    {
        int first = (int)(key >> 32) & _setMask;
        ref var set = ref _entries[2 * first];
        for (int way = 0; way < 2; way++)
        {
            ref var entry = ref Unsafe.Add(ref set, way);
            ulong k = Volatile.Read(ref entry.Key);
            hash = Volatile.Read(ref entry.Hash);
            if (Answers(key, k, hash, Volatile.Read(ref entry.Check)))
            {
                return true;
            }
        }

        hash = 0;
        return false;
    }

    private void Add(ulong key, ulong hash)
    {
        int first = (int)(key >> 32) & _setMask;
        ref var set = ref _entries[2 * first];

        // An empty way if there is one; else the way this key's bits pick, so two keys sharing a set can both stay.
        int way = set.Key == 0 ? 0 : Unsafe.Add(ref set, 1).Key == 0 ? 1 : (int)(key >> 31) & 1;
        ref var entry = ref Unsafe.Add(ref set, way);
        Volatile.Write(ref entry.Key, key);
        Volatile.Write(ref entry.Hash, hash);
        Volatile.Write(ref entry.Check, Check(key, hash));
    }

    private struct Entry
    {
        public ulong Key;
        public ulong Hash;
        public ulong Check;
    }
}
