namespace AntiDistill;

/// <summary>
/// For each attribute value (a card, a /24, a system prompt...), the last few accounts seen with it and
/// how many distinct accounts ever used it. Bounded twice: <see cref="LinkageOptions.IndexDepth"/>
/// accounts per value, <see cref="LinkageOptions.MaxIndexedValues"/> values in all.
/// </summary>
internal sealed class AttributeIndex(LinkageOptions options)
{
    // One 64-bit key per (kind, value): the values are keyed hashes, so a salt per kind keeps kinds apart (two pairs
    // collide only if their values differ by exactly the two salts, one chance in 2^64), and a ulong key hashes and
    // compares far cheaper than a tuple, on the hottest lookup of a log replay.
    private readonly Dictionary<ulong, Entry> _entries = [];

    /// <summary>The entry for a value, created empty if new.</summary>
    public Entry Get(LinkKind kind, ulong value)
    {
        ulong key = value ^ WordHash.Mix(0xA771_0000UL + (ulong)kind);
        if (!_entries.TryGetValue(key, out var entry))
        {
            if (_entries.Count >= options.MaxIndexedValues)
            {
                Shrink();
            }

            _entries[key] = entry = new Entry { Kind = kind, Value = value };
        }

        return entry;
    }

    /// <summary>Every indexed entry (for exports, under the linker's lock); each knows its kind and value.</summary>
    public IEnumerable<Entry> Entries => _entries.Values;

    /// <summary>Forgets values seen by one account only, then the least recently used half if that is not enough.</summary>
    private void Shrink()
    {
        foreach (var (key, entry) in _entries)
        {
            if (entry.Distinct <= 1)
            {
                _entries.Remove(key);
            }
        }

        if (_entries.Count >= options.MaxIndexedValues * 3 / 4)
        {
            long median = _entries.Values.Select(e => e.LastSeenMs).Order().ElementAt(_entries.Count / 2);
            foreach (var (key, entry) in _entries)
            {
                if (entry.LastSeenMs <= median)
                {
                    _entries.Remove(key);
                }
            }
        }
    }

    /// <summary>The recent accounts of one value with how often each used it, oldest replaced first.</summary>
    public sealed class Entry
    {
        /// <summary>The kind of attribute this entry indexes.</summary>
        public LinkKind Kind { get; init; }

        /// <summary>The attribute's value (a keyed hash).</summary>
        public ulong Value { get; init; }

        private int[] _nodes = new int[2];
        private long[] _seen = new long[2];
        private int[]? _uses; // prompt frames only: how often each account used the value, and how often harvest-shaped
        private int[]? _harvestUses;

        public int Count { get; private set; }

        /// <summary>Prompt frames only: where the value was seen, 1 as an opening, 2 as a closing (both bits when both), so an export can say which.</summary>
        public byte Positions { get; set; }

        /// <summary>Distinct accounts that ever used the value (approximate once more than the depth came and went).</summary>
        public int Distinct { get; private set; }

        public long LastSeenMs { get; private set; }

        /// <summary>The traffic of the accounts that use this value as a template, once one does (prompt frames only).</summary>
        public TemplateCohort? Cohort { get; set; }

        public int NodeAt(int i) => _nodes[i];

        public long SeenAt(int i) => _seen[i];

        public int UsesAt(int i) => _uses is null ? 0 : _uses[i];

        /// <summary>Of <see cref="UsesAt"/>, the uses in requests shaped like harvesting (single-turn, hungry for output or reasoning).</summary>
        public int HarvestUsesAt(int i) => _harvestUses is null ? 0 : _harvestUses[i];

        /// <summary>
        /// Records a use by <paramref name="node"/>. With <paramref name="countUses"/> (prompt frames), uses are counted
        /// per account and the count so far is returned; otherwise 0 (most values need no counts, and each costs memory).
        /// </summary>
        public int Touch(int node, long ms, int depth, bool countUses = false, bool harvestShaped = false)
        {
            if (countUses && _uses is null)
            {
                _uses = new int[_nodes.Length];
                _harvestUses = new int[_nodes.Length];
            }

            LastSeenMs = Math.Max(LastSeenMs, ms);
            int oldest = 0;
            for (int i = 0; i < Count; i++)
            {
                if (_nodes[i] == node)
                {
                    _seen[i] = Math.Max(_seen[i], ms);
                    if (_uses is null)
                    {
                        return 0;
                    }

                    _harvestUses![i] += harvestShaped ? 1 : 0;
                    return ++_uses[i];
                }

                if (_seen[i] < _seen[oldest])
                {
                    oldest = i;
                }
            }

            Distinct++;
            int slot = oldest;
            if (Count < depth)
            {
                if (Count == _nodes.Length)
                {
                    Array.Resize(ref _nodes, Math.Min(depth, _nodes.Length * 2));
                    Array.Resize(ref _seen, _nodes.Length);
                    if (_uses is not null)
                    {
                        Array.Resize(ref _uses, _nodes.Length);
                        Array.Resize(ref _harvestUses, _nodes.Length);
                    }
                }

                slot = Count++;
            }

            _nodes[slot] = node;
            _seen[slot] = ms;
            if (_uses is null)
            {
                return 0;
            }

            _uses[slot] = 1;
            _harvestUses![slot] = harvestShaped ? 1 : 0;
            return 1;
        }
    }
}
