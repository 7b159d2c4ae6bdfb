using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace AntiDistill;

/// <summary>
/// Turns customer identifiers (account ids, API keys, IP prefixes, payment and device fingerprints)
/// into keyed 64-bit hashes, so that the engine's state, a Redis dump or a report reveals none of them.
/// </summary>
/// <remarks>
/// HMAC-SHA256 truncated to 64 bits: a seeded non-cryptographic hash would let anyone holding a dump
/// enumerate the IPv4 space or known card fingerprints. The key is the host's secret
/// (<see cref="AntiDistillationOptions.IdentityKey"/>); hosts that share state (many nodes, a replay
/// next to the online engine) must share the key. Runs once per identifier at the edge, not in the scoring path.
/// </remarks>
public sealed class IdentityHasher
{
    private const int StackLimit = 256;
    private readonly byte[] _key;

    /// <summary>Creates a hasher with the given secret key (at least 16 bytes).</summary>
    public IdentityHasher(ReadOnlySpan<byte> key)
    {
        if (key.Length < 16)
        {
            throw new ArgumentException("The identity key must be at least 16 bytes.", nameof(key));
        }

        _key = key.ToArray();
    }

    /// <summary>Hashes an identifier given as text (UTF-8 encoded first). Returns 0 for null or empty input.</summary>
    public ulong Hash(string? value) => string.IsNullOrEmpty(value) ? 0 : Hash(value.AsSpan());

    /// <summary>Hashes an identifier given as characters. Returns 0 for empty input.</summary>
    public ulong Hash(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            return 0;
        }

        int max = Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = null;
        Span<byte> buffer = max <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            int written = Encoding.UTF8.GetBytes(value, buffer);
            return Hash(buffer[..written]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Hashes an identifier given as bytes. Returns 0 for empty input; never returns 0 otherwise.</summary>
    public ulong Hash(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            return 0;
        }

        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, value, mac);
        ulong h = BinaryPrimitives.ReadUInt64LittleEndian(mac);
        return h == 0 ? 1 : h;
    }

    /// <summary>Hashes an account id.</summary>
    public AccountId Account(string account) => new(Hash(account));

    /// <summary>
    /// Hashes the network prefix of an address: /24 for IPv4 (and IPv4-mapped IPv6), /48 for IPv6,
    /// the granularity at which NATs, proxies and cloud subnets share addresses.
    /// </summary>
    public ulong IpPrefix(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        Span<byte> bytes = stackalloc byte[17];
        if (!address.TryWriteBytes(bytes[1..], out int written))
        {
            return 0;
        }

        // The family byte keeps 10.0.0.0/24 apart from an IPv6 prefix that happens to start with the same bytes.
        bytes[0] = address.AddressFamily == AddressFamily.InterNetwork ? (byte)4 : (byte)6;
        int prefixBytes = written == 4 ? 3 : 6;
        return Hash(bytes[..(1 + prefixBytes)]);
    }
}
