namespace AntiDistill;

/// <summary>
/// Evidence accumulated between pairs of accounts not yet in one cluster: a score that decays with
/// <see cref="LinkageOptions.EvidenceHalfLife"/>, and which kinds already contributed (each kind counts
/// once per pair, so two users behind one NAT do not link by sheer repetition; synchrony, which is about
/// repetition, is counted by the linker and arrives here once, when the pair is synchronized).
/// </summary>
internal sealed class PairEvidence(LinkageOptions options)
{
    private readonly Dictionary<long, Entry> _pairs = new(PairKeyComparer.Instance);
    private readonly double _halfLifeMs = Math.Max(1, options.EvidenceHalfLife.TotalMilliseconds);
    private readonly int _maxPairs = Math.Max(1024, options.MaxAccounts * 4);

    /// <summary>Adds evidence of one kind; returns the pair's kinds when the score reaches the threshold, else 0.</summary>
    public ushort Add(int a, int b, LinkKind kind, double weight, long nowMs)
    {
        long key = a < b ? ((long)a << 32) | (uint)b : ((long)b << 32) | (uint)a;
        _pairs.TryGetValue(key, out var entry);
        ushort bit = (ushort)(1 << (int)kind);
        if ((entry.Kinds & bit) != 0)
        {
            return 0;
        }

        if (_pairs.Count >= _maxPairs && entry.Kinds == 0)
        {
            Shrink(nowMs);
        }

        double decayed = entry.Kinds == 0 ? 0 : entry.Score * Math.Pow(0.5, Math.Max(0, nowMs - entry.LastMs) / _halfLifeMs);
        entry = new Entry((float)(decayed + weight), (ushort)(entry.Kinds | bit), nowMs);
        if (entry.Score >= options.LinkThreshold)
        {
            _pairs.Remove(key);
            return entry.Kinds;
        }

        _pairs[key] = entry;
        return 0;
    }

    /// <summary>Forgets the weaker half of the pairs (decayed to now) so the map stays bounded.</summary>
    private void Shrink(long nowMs)
    {
        var scores = _pairs.Values.Select(e => e.Score * Math.Pow(0.5, (nowMs - e.LastMs) / _halfLifeMs)).Order().ToList();
        double median = scores[scores.Count / 2];
        foreach (var (key, e) in _pairs)
        {
            if (e.Score * Math.Pow(0.5, (nowMs - e.LastMs) / _halfLifeMs) <= median)
            {
                _pairs.Remove(key);
            }
        }
    }

    private readonly record struct Entry(float Score, ushort Kinds, long LastMs);
}
