using System.Net;

namespace AntiDistill.Cli.Analyze;

/// <summary>
/// Remembers the keyed hashes of identifiers already seen (accounts, cards, user agents, IP prefixes) so each
/// distinct value pays for HMAC-SHA256 once. One per parsing thread; looked up by the raw UTF-8 bytes, no strings.
/// </summary>
internal sealed class IdentityCache
{
    /// <summary>A proxy pool must not grow the cache without bound: past this, it starts over (hashes are deterministic, so only speed changes).</summary>
    private const int Capacity = 100_000;

    private readonly IdentityHasher _hasher;
    private readonly Indicators.ClearValues? _clear;
    private readonly Dictionary<byte[], ulong> _values = new(ByteArrayComparer.Instance);
    private readonly Dictionary<byte[], ulong> _prefixes = new(ByteArrayComparer.Instance);
    private readonly Dictionary<byte[], ulong>.AlternateLookup<ReadOnlySpan<byte>> _valueLookup;
    private readonly Dictionary<byte[], ulong>.AlternateLookup<ReadOnlySpan<byte>> _prefixLookup;

    public IdentityCache(IdentityHasher hasher, Indicators.ClearValues? clear = null)
    {
        _hasher = hasher;
        _clear = clear;
        _valueLookup = _values.GetAlternateLookup<ReadOnlySpan<byte>>();
        _prefixLookup = _prefixes.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <summary>The keyed hash of an identifier, as <see cref="IdentityHasher.Hash(ReadOnlySpan{byte})"/> gives it; 0 for empty.</summary>
    public ulong Hash(ReadOnlySpan<byte> utf8) => Hash(utf8, shareable: false);

    /// <summary>Like <see cref="Hash(ReadOnlySpan{byte})"/> for a value that may be shared in an indicator bundle (JA4, user agent, e-mail domain): its clear text is recorded too.</summary>
    public ulong HashShareable(ReadOnlySpan<byte> utf8) => Hash(utf8, shareable: true);

    private ulong Hash(ReadOnlySpan<byte> utf8, bool shareable)
    {
        if (utf8.IsEmpty)
        {
            return 0;
        }

        if (!_valueLookup.TryGetValue(utf8, out ulong hash))
        {
            Bound(_values);
            hash = _hasher.Hash(utf8);
            _valueLookup[utf8] = hash;
            if (shareable)
            {
                _clear?.Record(hash, utf8);
            }
        }

        return hash;
    }

    /// <summary>The keyed hash of an address's network prefix; 0 when the text is not an IP address.</summary>
    public ulong IpPrefix(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return 0;
        }

        if (!_prefixLookup.TryGetValue(utf8, out ulong hash))
        {
            Bound(_prefixes);
            hash = IPAddress.TryParse(utf8, out var address) ? _hasher.IpPrefix(address) : 0;
            _prefixLookup[utf8] = hash;
            if (address is not null)
            {
                _clear?.RecordPrefix(hash, address);
            }
        }

        return hash;
    }

    private static void Bound(Dictionary<byte[], ulong> cache)
    {
        if (cache.Count >= Capacity)
        {
            cache.Clear();
        }
    }

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly ByteArrayComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

        public int GetHashCode(byte[] obj) => GetHashCode((ReadOnlySpan<byte>)obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = default(HashCode);
            hash.AddBytes(alternate);
            return hash.ToHashCode();
        }

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }
}
