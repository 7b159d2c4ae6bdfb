namespace AntiDistill.Cli.Indicators;

/// <summary>
/// Collects, during replay, the unkeyed evidence an indicator export needs (see <see cref="AccountEvidence"/>), and the
/// accounts seen on each network prefix, then summarizes it per flagged cluster or lone account for the report's
/// optional <c>shareable_evidence</c> field. Memory: about 100 bytes an account, plus up to
/// <see cref="PrefixAccountsTracked"/> account rows per prefix for at most <see cref="MaxPrefixes"/> prefixes.
/// </summary>
internal sealed class EvidenceCollector
{
    /// <summary>Distinct accounts remembered per prefix: enough to tell "shared by k" for any sensible k.</summary>
    public const int PrefixAccountsTracked = 16;

    public const int MaxPrefixes = 1_000_000;

    /// <summary>A fingerprint counts as the account's own when it sent it at least this often.</summary>
    private const int RepeatedAtLeast = 2;

    private const int RowsPerBlock = 1 << 14;

    private readonly List<AccountEvidence[]> _rows = [];
    private readonly Dictionary<ulong, List<int>> _prefixes = [];

    public ClearValues Clear { get; } = new();

    public void Add(int row, in PromptFeatures features, in ClientAttributes client)
    {
        while (row >= _rows.Count * RowsPerBlock)
        {
            _rows.Add(new AccountEvidence[RowsPerBlock]);
        }

        ref var evidence = ref _rows[row / RowsPerBlock][row % RowsPerBlock];
        evidence.AddPrompt(features);
        evidence.AddClient(client);
        if (client.IpPrefix == 0)
        {
            return;
        }

        if (!_prefixes.TryGetValue(client.IpPrefix, out var rows))
        {
            if (_prefixes.Count >= MaxPrefixes)
            {
                return;
            }

            _prefixes[client.IpPrefix] = rows = new List<int>(2);
        }

        if (rows.Count < PrefixAccountsTracked && !rows.Contains(row))
        {
            rows.Add(row);
        }
    }

    /// <summary>
    /// The shareable evidence of each group, in the order given. <paramref name="flagged"/> says whether a row was ever
    /// flagged; values carried by unflagged accounts count as organic.
    /// </summary>
    public List<List<ShareableEvidence>> Summarize(IReadOnlyList<IReadOnlyList<int>> groups, Func<int, bool> flagged, int accountCount)
    {
        // Every value's carriers over the whole log, organic ones apart: what makes a value a hub, not a campaign's.
        var totals = new Dictionary<(IndicatorKind, ulong), (int All, int Organic)>();
        var scratch = new List<(IndicatorKind Kind, ulong Value)>();
        for (int row = 0; row < accountCount; row++)
        {
            bool organic = !flagged(row);
            foreach (var key in ValuesOf(row, scratch))
            {
                var t = totals.GetValueOrDefault(key);
                totals[key] = (t.All + 1, t.Organic + (organic ? 1 : 0));
            }
        }

        var groupOf = new Dictionary<int, int>();
        for (int g = 0; g < groups.Count; g++)
        {
            foreach (int row in groups[g])
            {
                groupOf[row] = g;
            }
        }

        var result = new List<List<ShareableEvidence>>(groups.Count);
        for (int g = 0; g < groups.Count; g++)
        {
            var counts = new Dictionary<(IndicatorKind, ulong), int>();
            foreach (int row in groups[g])
            {
                foreach (var key in ValuesOf(row, scratch))
                {
                    counts[key] = counts.GetValueOrDefault(key) + 1;
                }
            }

            var list = new List<ShareableEvidence>();
            foreach (var ((kind, value), accounts) in counts)
            {
                if (TextOf(kind, value) is { } text)
                {
                    var t = totals[(kind, value)];
                    list.Add(new ShareableEvidence(kind, text, accounts, t.All, t.Organic));
                }
            }

            result.Add(list);
        }

        foreach (var (prefix, rows) in _prefixes)
        {
            int organic = 0;
            var members = new Dictionary<int, int>();
            foreach (int row in rows)
            {
                organic += flagged(row) ? 0 : 1;
                if (groupOf.TryGetValue(row, out int g))
                {
                    members[g] = members.GetValueOrDefault(g) + 1;
                }
            }

            foreach (var (g, accounts) in members)
            {
                if (Clear.Get(prefix) is { } cidr)
                {
                    result[g].Add(new ShareableEvidence(IndicatorKind.NetworkPrefix, cidr, accounts, rows.Count, organic));
                }
            }
        }

        foreach (var list in result)
        {
            list.Sort(static (a, b) => a.Kind != b.Kind ? a.Kind.CompareTo(b.Kind) : b.Accounts != a.Accounts ? b.Accounts.CompareTo(a.Accounts) : string.CompareOrdinal(a.Value, b.Value));
        }

        return result;
    }

    private List<(IndicatorKind Kind, ulong Value)> ValuesOf(int row, List<(IndicatorKind, ulong)> scratch)
    {
        scratch.Clear();
        if (row >= _rows.Count * RowsPerBlock)
        {
            return scratch;
        }

        ref var e = ref _rows[row / RowsPerBlock][row % RowsPerBlock];
        e.CopyRepeated(RepeatedAtLeast, scratch);
        Add(scratch, IndicatorKind.TlsFingerprint, e.TlsFingerprint);
        Add(scratch, IndicatorKind.UserAgent, e.UserAgent);
        Add(scratch, IndicatorKind.EmailDomain, e.EmailDomain);
        Add(scratch, IndicatorKind.Asn, e.Asn);
        return scratch;
    }

    private static void Add(List<(IndicatorKind, ulong)> list, IndicatorKind kind, ulong value)
    {
        if (value != 0)
        {
            list.Add((kind, value));
        }
    }

    private string? TextOf(IndicatorKind kind, ulong value) => kind switch
    {
        IndicatorKind.PromptOpeningFrame or IndicatorKind.PromptClosingFrame or IndicatorKind.SystemPrompt => PromptFingerprints.Format(value),
        IndicatorKind.Asn => value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => Clear.Get(value),
    };
}
