using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AntiDistill.Cli.Indicators;

/// <summary>
/// The clear text behind the keyed hashes of the values that may be shared (JA4, <c>User-Agent</c>, e-mail domain, and
/// the /24 or /48 prefix of an address), recorded by the parsing threads the first time they hash a value, so that an
/// exported bundle can carry what another provider can recompute. Account ids, API keys, cards, devices and whole
/// addresses are never recorded here: there is no way to ask for them.
/// </summary>
internal sealed class ClearValues(int capacity = ClearValues.DefaultCapacity)
{
    /// <summary>Bound on the map: past it, new values are not recorded (and so cannot be exported), memory stays bounded.</summary>
    public const int DefaultCapacity = 1_000_000;

    private readonly ConcurrentDictionary<ulong, string> _values = new();

    // Counted here, not with _values.Count: ConcurrentDictionary.Count takes every lock of the map, and the parsing
    // threads asked it for each new address: 12% of a profiled analyze run's samples, about 8% of its wall time
    // (analyze-throughput.md).
    // Threads racing past the check can overshoot the bound by one value each; the bound is about memory, not exactness.
    private int _count;

    public void Record(ulong hash, ReadOnlySpan<byte> utf8)
    {
        if (IsNew(hash))
        {
            Add(hash, Encoding.UTF8.GetString(utf8));
        }
    }

    /// <summary>Records the prefix of <paramref name="address"/> in CIDR notation under its keyed prefix hash.</summary>
    public void RecordPrefix(ulong hash, IPAddress address)
    {
        if (!IsNew(hash))
        {
            return;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        bool v4 = address.AddressFamily == AddressFamily.InterNetwork;
        Add(hash, new IPNetwork(Mask(address, v4 ? 24 : 48), v4 ? 24 : 48).ToString());
    }

    public string? Get(ulong hash) => _values.GetValueOrDefault(hash);

    /// <summary>Values recorded.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Lock-free: a read of the map and of the count.</summary>
    private bool IsNew(ulong hash) => hash != 0 && Volatile.Read(ref _count) < capacity && !_values.ContainsKey(hash);

    private void Add(ulong hash, string clear)
    {
        if (_values.TryAdd(hash, clear))
        {
            Interlocked.Increment(ref _count);
        }
    }

    private static IPAddress Mask(IPAddress address, int bits)
    {
        byte[] bytes = address.GetAddressBytes();
        for (int i = bits / 8; i < bytes.Length; i++)
        {
            bytes[i] = 0;
        }

        return new IPAddress(bytes);
    }
}
