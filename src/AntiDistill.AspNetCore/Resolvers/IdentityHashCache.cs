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
        if (_entries.TryGetValue(key, out ulong hash))
        {
            return hash;
        }

        hash = hasher.Hash(value);
        Add(key, hash);
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
        if (_entries.TryGetValue(key, out ulong hash))
        {
            return hash;
        }

        hash = hasher.IpPrefix(address);
        Add(key, hash);
        return hash;
    }

    private void Add(ulong key, ulong hash)
    {
        if (_entries.Count >= capacity)
        {
            _entries.Clear();
        }

        _entries[key] = hash;
    }
}
