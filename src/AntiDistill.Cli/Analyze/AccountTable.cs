namespace AntiDistill.Cli.Analyze;

/// <summary>What replay remembers of one account for the report (the engine keeps only hashes). 64 bytes.</summary>
internal struct AccountEntry
{
    public AccountId Id;

    /// <summary>Where the name starts in the table's character store, and its length in UTF-16 units.</summary>
    public long NameAt;

    public long FirstTicks;
    public long LastTicks;
    public long FirstFlaggedTicks;
    public int NameLength;
    public int Requests;

    /// <summary>1-based position of the request after which the engine first rated the account suspicious or worse; 0 if never.</summary>
    public int FirstFlagged;

    /// <summary>The assessment after the account's last request: the report's fallback should the engine's store have evicted it.</summary>
    public float LastRisk;

    public Verdict LastVerdict;
}

/// <summary>
/// Every account seen, in order of first appearance, keyed by its hashed id. Unlike the engine's store it cannot
/// forget (report v1 lists every account of the log), so it is kept small: a 64-byte row in fixed-size blocks
/// (no doubling slack, no copy on growth), the name as UTF-16 in a shared character store (no string object), and
/// an open-addressing index of row numbers (4 bytes a slot, at most half full). About 100 bytes per distinct
/// account plus twice its name's length; see AccountTableTests for the measured figure.
/// </summary>
/// <remarks>Two names with one 64-bit keyed hash would share a row, as they share the engine's state: odds of 2^-64 a pair.</remarks>
internal sealed class AccountTable
{
    private const int RowBits = 14;
    private const int RowsPerBlock = 1 << RowBits;
    private const int CharsPerBlock = 1 << 20;

    private readonly List<AccountEntry[]> _rows = [];
    private readonly List<char[]> _names = [];
    private int _nameUsed = CharsPerBlock;

    /// <summary>Row + 1 per slot (0: empty), found by the id's low bits and linear probing.</summary>
    private int[] _index = new int[1024];

    public int Count { get; private set; }

    public ref AccountEntry this[int row] => ref _rows[row >> RowBits][row & (RowsPerBlock - 1)];

    /// <summary>The account's name, as the log spelled it.</summary>
    public ReadOnlySpan<char> NameSpan(int row)
    {
        ref var entry = ref this[row];
        return _names[(int)(entry.NameAt >> 32)].AsSpan((int)entry.NameAt, entry.NameLength);
    }

    public string Name(int row) => new(NameSpan(row));

    /// <summary>The row of an account, added (with its name decoded once) when new.</summary>
    public int Resolve(AccountId id, ReadOnlySpan<byte> name)
    {
        if (TryFind(id, out int row))
        {
            return row;
        }

        if (Count >= _index.Length / 2)
        {
            Grow();
        }

        row = Count++;
        if ((row & (RowsPerBlock - 1)) == 0)
        {
            _rows.Add(new AccountEntry[RowsPerBlock]);
        }

        this[row] = new AccountEntry { Id = id, NameAt = Store(name, out int length), NameLength = length };
        _index[Slot(id.Value)] = row + 1;
        return row;
    }

    public bool TryFind(AccountId id, out int row)
    {
        int mask = _index.Length - 1;
        for (int slot = (int)id.Value & mask; _index[slot] != 0; slot = (slot + 1) & mask)
        {
            if (this[_index[slot] - 1].Id.Value == id.Value)
            {
                row = _index[slot] - 1;
                return true;
            }
        }

        row = -1;
        return false;
    }

    /// <summary>The first empty slot of the id's probe sequence.</summary>
    private int Slot(ulong id)
    {
        int mask = _index.Length - 1;
        int slot = (int)id & mask;
        while (_index[slot] != 0)
        {
            slot = (slot + 1) & mask;
        }

        return slot;
    }

    private void Grow()
    {
        var old = _index;
        _index = new int[old.Length * 2];
        foreach (int entry in old)
        {
            if (entry != 0)
            {
                _index[Slot(this[entry - 1].Id.Value)] = entry;
            }
        }
    }

    /// <summary>Decodes the name into the character store; a name longer than a block gets a block of its own.</summary>
    private long Store(ReadOnlySpan<byte> utf8, out int length)
    {
        int most = System.Text.Encoding.UTF8.GetMaxCharCount(utf8.Length);
        if (_nameUsed + most > CharsPerBlock)
        {
            _names.Add(new char[Math.Max(CharsPerBlock, most)]);
            _nameUsed = 0;
        }

        var block = _names[^1];
        length = System.Text.Encoding.UTF8.GetChars(utf8, block.AsSpan(_nameUsed));
        long at = ((long)(_names.Count - 1) << 32) | (uint)_nameUsed;
        _nameUsed += length;
        return at;
    }
}
