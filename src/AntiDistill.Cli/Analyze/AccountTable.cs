using System.Text;

namespace AntiDistill.Cli.Analyze;

/// <summary>What replay remembers of one account for the report (the engine keeps only hashes).</summary>
internal struct AccountEntry
{
    public string Name;
    public AccountId Id;
    public int Requests;

    /// <summary>1-based position of the request after which the engine first rated the account suspicious or worse; 0 if never.</summary>
    public int FirstFlagged;

    public long FirstTicks;
    public long LastTicks;
    public long FirstFlaggedTicks;

    /// <summary>The assessment after the account's last request: the report's fallback should the engine's store have evicted it.</summary>
    public float LastRisk;

    public Verdict LastVerdict;
}

/// <summary>
/// Every account seen, in order of first appearance, keyed by its hashed id. Its size is what the analyzer's
/// memory grows with (about 100 bytes per account besides the name, plus the engine's own state).
/// </summary>
/// <remarks>Two names with one 64-bit keyed hash would share a row, as they share the engine's state: odds of 2^-64 a pair.</remarks>
internal sealed class AccountTable
{
    private readonly Dictionary<ulong, int> _index = [];
    private AccountEntry[] _entries = new AccountEntry[1024];

    public int Count { get; private set; }

    public ref AccountEntry this[int index] => ref _entries[index];

    /// <summary>The row of an account, added (with its name decoded once) when new.</summary>
    public int Resolve(AccountId id, ReadOnlySpan<byte> name)
    {
        if (_index.TryGetValue(id.Value, out int row))
        {
            return row;
        }

        if (Count == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
        }

        row = Count++;
        _entries[row] = new AccountEntry { Name = Encoding.UTF8.GetString(name), Id = id };
        _index.Add(id.Value, row);
        return row;
    }

    public bool TryFind(AccountId id, out int row) => _index.TryGetValue(id.Value, out row);
}
