using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace AntiDistill;

/// <summary>
/// Indicators compiled for the request path: an immutable open-addressing table of 64-bit keys with a bit filter in
/// front, probed without locks or allocation. A new feed is compiled aside and swapped in whole
/// (<see cref="DistillationEngine.Indicators"/>), so a request sees one set from start to end.
/// </summary>
/// <remarks>
/// Keyed values (JA4, <c>User-Agent</c>, e-mail domain, prefix) travel in clear and are hashed here with the host's own
/// identity key, into the same keyed hashes the engine already receives in <see cref="ClientAttributes"/>: the clear
/// value never reaches the request path, and the other provider's key is never needed. The filter (16 bits an entry,
/// one hash) answers most non-matching probes from a table small enough to stay in cache; at 100,000 indicators the
/// table itself is 4 MiB and a probe that passes the filter costs a cache miss (IndicatorBenchmarks).
/// </remarks>
public sealed class IndicatorSet
{
    private readonly ulong[] _keys;
    private readonly Entry[] _entries;
    private readonly ulong[] _filter;
    private readonly int _filterShift;
    private readonly int _mask;
    private readonly int _kinds;

    private IndicatorSet(ulong[] keys, Entry[] entries, ulong[] filter, int kinds, IReadOnlyList<Indicator> indicators, int skipped)
    {
        _keys = keys;
        _entries = entries;
        _filter = filter;
        _filterShift = 64 - BitOperations.Log2((uint)(filter.Length * 64));
        _mask = keys.Length - 1;
        _kinds = kinds;
        Indicators = indicators;
        Skipped = skipped;
    }

    /// <summary>A set that matches nothing.</summary>
    public static IndicatorSet Empty { get; } = new([0], [default], [0], 0, [], 0);

    /// <summary>The indicators compiled in (those skipped are not listed).</summary>
    public IReadOnlyList<Indicator> Indicators { get; }

    /// <summary>How many indicators could not be compiled (a value the engine cannot evaluate, e.g. an IPv4 /8).</summary>
    public int Skipped { get; }

    /// <summary>Compiles feeds into a set. Allocates; call it off the request path when a feed changes.</summary>
    /// <param name="feeds">Each feed's indicators and trust.</param>
    /// <param name="identities">The engine's hasher (<see cref="DistillationEngine.Identities"/>), to key clear values as the engine's observations are keyed.</param>
    /// <param name="options">Kind weights and fading; defaults when null.</param>
    public static IndicatorSet Compile(IEnumerable<IndicatorFeedContent> feeds, IdentityHasher identities, IndicatorMatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(feeds);
        ArgumentNullException.ThrowIfNull(identities);
        options ??= new IndicatorMatchOptions();
        long fadeMs = Math.Max(1, (long)options.FadeAfterExpiry.TotalMilliseconds);
        var compiled = new List<Indicator>();
        var keyed = new List<(ulong Key, Entry Entry)>();
        Span<ulong> keys = stackalloc ulong[256];
        int skipped = 0, kinds = 0;
        foreach (var feed in feeds)
        {
            double trust = Math.Clamp(feed.Trust, 0, 1);
            foreach (var indicator in feed.Indicators)
            {
                int n = KeysOf(indicator, identities, keys);
                if (n == 0)
                {
                    skipped++;
                    continue;
                }

                long until = indicator.ValidUntil is { } u ? u.ToUnixTimeMilliseconds() : long.MaxValue;
                var entry = new Entry
                {
                    Weight = (float)(Math.Clamp(indicator.Confidence, 0, 100) / 100.0 * trust * options[indicator.Kind]),
                    FromMs = indicator.ValidFrom.ToUnixTimeMilliseconds(),
                    UntilMs = until,
                    FadeEndMs = until == long.MaxValue ? long.MaxValue : until + fadeMs,
                    Indicator = compiled.Count,
                };
                compiled.Add(indicator);
                kinds |= 1 << (int)indicator.Kind;
                for (int i = 0; i < n; i++)
                {
                    keyed.Add((keys[i], entry));
                }
            }
        }

        int capacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, keyed.Count * 2));
        var table = new ulong[capacity];
        var entries = new Entry[capacity];
        var filter = new ulong[Math.Clamp((int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, keyed.Count)) / 4, 16, 1 << 18)];
        int shift = 64 - BitOperations.Log2((uint)(filter.Length * 64));
        foreach (var (key, entry) in keyed)
        {
            int slot = (int)key & (capacity - 1);
            while (table[slot] != 0 && table[slot] != key)
            {
                slot = (slot + 1) & (capacity - 1);
            }

            // The same value from two feeds (or two bundles of one producer): the heavier one speaks for it.
            if (table[slot] == 0 || entry.Weight > entries[slot].Weight)
            {
                table[slot] = key;
                entries[slot] = entry;
            }

            ulong bit = key >> shift;
            filter[bit >> 6] |= 1UL << (int)bit;
        }

        return new IndicatorSet(table, entries, filter, kinds, compiled, skipped);
    }

    /// <summary>How many indicators are compiled in.</summary>
    public int Count => Indicators.Count;

    /// <summary>
    /// Probes a request's prompt fingerprints and client attributes. Lock-free and allocation-free; safe from any thread.
    /// </summary>
    /// <param name="features">The request's features (frames and system-prompt fingerprint).</param>
    /// <param name="client">The request's keyed client attributes.</param>
    /// <param name="nowMs">The request's time (Unix milliseconds): indicators not yet valid match nothing, expired ones fade.</param>
    public IndicatorMatch Match(in PromptFeatures features, in ClientAttributes client, long nowMs)
    {
        if (_kinds == 0)
        {
            return default;
        }

        var state = new Probe(nowMs);
        Try(ref state, IndicatorKind.PromptOpeningFrame, features.Opening);
        Try(ref state, IndicatorKind.PromptClosingFrame, features.Closing);
        Try(ref state, IndicatorKind.SystemPrompt, features.SystemPrompt);
        Try(ref state, IndicatorKind.TlsFingerprint, client.TlsFingerprint);
        Try(ref state, IndicatorKind.UserAgent, client.UserAgent);
        Try(ref state, IndicatorKind.Asn, client.Asn);
        Try(ref state, IndicatorKind.NetworkPrefix, client.IpPrefix);
        Try(ref state, IndicatorKind.EmailDomain, client.EmailDomain);
        return state.Best < 0 ? default : new IndicatorMatch(1 - state.Miss, Indicators[state.Best]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Try(ref Probe state, IndicatorKind kind, ulong value)
    {
        if (value == 0 || (_kinds & (1 << (int)kind)) == 0)
        {
            return;
        }

        ulong key = KeyOf(kind, value);
        ulong bit = key >> _filterShift;
        if ((_filter[bit >> 6] & (1UL << (int)bit)) == 0)
        {
            return;
        }

        int slot = (int)key & _mask;
        ulong[] keys = _keys;
        while (true)
        {
            ulong k = keys[slot];
            if (k == key)
            {
                state.Add(_entries[slot]);
                return;
            }

            if (k == 0)
            {
                return;
            }

            slot = (slot + 1) & _mask;
        }
    }

    /// <summary>One key per kind and value; the kind in the key keeps an ASN from colliding with a fingerprint of the same number.</summary>
    private static ulong KeyOf(IndicatorKind kind, ulong value) => WordHash.Mix(value ^ (0x9E3779B97F4A7C15UL * (ulong)((int)kind + 1))) | 1;

    /// <summary>The keys a value compiles to (a prefix wider than the engine's /24 or /48 to one per /24 or /48 it covers); 0 when the engine cannot evaluate it.</summary>
    private static int KeysOf(Indicator indicator, IdentityHasher identities, Span<ulong> keys)
    {
        string value = indicator.Value;
        switch (indicator.Kind)
        {
            case IndicatorKind.PromptOpeningFrame or IndicatorKind.PromptClosingFrame or IndicatorKind.SystemPrompt:
                if (!PromptFingerprints.TryParse(value, out ulong fingerprint))
                {
                    return 0;
                }

                keys[0] = KeyOf(indicator.Kind, fingerprint);
                return 1;
            case IndicatorKind.TlsFingerprint or IndicatorKind.UserAgent or IndicatorKind.EmailDomain:
                if (string.IsNullOrEmpty(value))
                {
                    return 0;
                }

                keys[0] = KeyOf(indicator.Kind, identities.Hash(value));
                return 1;
            case IndicatorKind.Asn:
                if (!uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out uint asn) || asn == 0)
                {
                    return 0;
                }

                keys[0] = KeyOf(indicator.Kind, asn);
                return 1;
            case IndicatorKind.NetworkPrefix:
                return PrefixKeys(value, identities, keys);
            default:
                return 0;
        }
    }

    private static int PrefixKeys(string cidr, IdentityHasher identities, Span<ulong> keys)
    {
        if (!IPNetwork.TryParse(cidr, out var network))
        {
            return 0;
        }

        bool v4 = network.BaseAddress.AddressFamily == AddressFamily.InterNetwork;
        int engineBits = v4 ? 24 : 48, narrowest = engineBits - 8;
        if (network.PrefixLength < narrowest || network.PrefixLength > engineBits)
        {
            return 0;
        }

        int count = 1 << (engineBits - network.PrefixLength);
        Span<byte> bytes = stackalloc byte[v4 ? 4 : 16];
        network.BaseAddress.TryWriteBytes(bytes, out _);
        int byteIndex = (engineBits / 8) - 1; // the last byte of the engine's prefix: the one the expansion walks
        byte first = bytes[byteIndex];
        for (int i = 0; i < count; i++)
        {
            bytes[byteIndex] = (byte)(first + i);
            keys[i] = KeyOf(IndicatorKind.NetworkPrefix, identities.IpPrefix(new IPAddress(bytes)));
        }

        return count;
    }

    private struct Entry
    {
        public float Weight;
        public int Indicator;
        public long FromMs;
        public long UntilMs;
        public long FadeEndMs;
    }

    private struct Probe(long nowMs)
    {
        public float Miss = 1;
        public int Best = -1;
        private float _bestWeight;

        public void Add(in Entry entry)
        {
            float weight = entry.Weight;
            if (nowMs < entry.FromMs || nowMs >= entry.FadeEndMs)
            {
                return;
            }

            if (nowMs > entry.UntilMs)
            {
                weight *= (float)((entry.FadeEndMs - nowMs) / (double)(entry.FadeEndMs - entry.UntilMs));
            }

            Miss *= 1 - weight;
            if (weight > _bestWeight || Best < 0)
            {
                _bestWeight = weight;
                Best = entry.Indicator;
            }
        }
    }
}
