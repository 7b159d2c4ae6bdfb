using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace AntiDistill.AspNetCore;

/// <summary>
/// Remembers the keyed HMACs of identifiers seen recently (API keys, user agents, TLS fingerprints, IP prefixes),
/// so a returning caller costs a dictionary lookup instead of three or four HMAC-SHA256 computations (~1.2 µs each).
/// </summary>
/// <remarks>
/// Entries are keyed by a 64-bit XxHash3 of the identifier under a random per-process seed, never by the identifier
/// itself, so the cache keeps no API key or address in clear (like the engine's state). A collision would need
/// the seed; at the default bound its chance is about 1e-10 per lookup. Bounded: full means cleared, since it only saves work.
/// </remarks>
internal sealed class IdentityHashCache(IdentityHasher hasher, int capacity = 65_536)
{
    private const int AddressSlot = 4;

    // The last identifier of each kind this thread looked up, by its XxHash3 key (never the text): a client sends its
    // requests from one address with one user agent, and behind a proxy or NAT many clients share them, so the next
    // request often skips the dictionary (a likely cache miss among thousands of entries).
    [ThreadStatic]
    private static Recent? t_recent;

    private readonly ConcurrentDictionary<ulong, ulong> _entries = new();
    private readonly long _seed = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8));

    public int Count => _entries.Count;

    /// <summary>The identity hash of <paramref name="value"/> (0 for empty), <paramref name="kind"/> keeping e.g. a key and a user agent with the same text apart.</summary>
    public ulong Hash(ReadOnlySpan<char> value, byte kind)
    {
        if (value.IsEmpty)
        {
            return 0;
        }

        ulong key = XxHash3.HashToUInt64(MemoryMarshal.AsBytes(value), _seed + kind);
        if (!TryRecall(kind & 3, key, out ulong hash))
        {
            hash = hasher.Hash(value);
            Add(kind & 3, key, hash);
        }

        return hash;
    }

    /// <summary>The keyed hash of the address's network prefix (see <see cref="IdentityHasher.IpPrefix"/>).</summary>
    public ulong IpPrefix(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out int written))
        {
            return hasher.IpPrefix(address);
        }

        // Keyed by the whole address: cheaper than computing the prefix here, and the hasher decides the prefix.
        ulong key = XxHash3.HashToUInt64(bytes[..written], _seed + 255);
        if (!TryRecall(AddressSlot, key, out ulong hash))
        {
            hash = hasher.IpPrefix(address);
            Add(AddressSlot, key, hash);
        }

        return hash;
    }

    /// <summary>The hash of <paramref name="key"/> from this thread's last lookup of that kind, else from the dictionary.</summary>
    private bool TryRecall(int slot, ulong key, out ulong hash)
    {
        var recent = t_recent;
        if (recent is not null && recent.Owner == this && recent.Keys[slot] == key)
        {
            hash = recent.Hashes[slot];
            return true;
        }

        if (_entries.TryGetValue(key, out hash))
        {
            Remember(slot, key, hash);
            return true;
        }

        return false;
    }

    private void Add(int slot, ulong key, ulong hash)
    {
        if (_entries.Count >= capacity)
        {
            _entries.Clear();
        }

        _entries[key] = hash;
        Remember(slot, key, hash);
    }

    private void Remember(int slot, ulong key, ulong hash)
    {
        var recent = t_recent;
        if (recent is null || recent.Owner != this)
        {
            t_recent = recent = new Recent(this);
        }

        recent.Keys[slot] = key;
        recent.Hashes[slot] = hash;
    }

    /// <summary>One thread's last lookups of one cache: slots 0-3 by kind (kinds 1-4), 4 for addresses.</summary>
    private sealed class Recent(IdentityHashCache owner)
    {
        public IdentityHashCache Owner { get; } = owner;

        public ulong[] Keys { get; } = new ulong[AddressSlot + 1];

        public ulong[] Hashes { get; } = new ulong[AddressSlot + 1];
    }
}
