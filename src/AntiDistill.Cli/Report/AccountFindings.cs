using AntiDistill.Cli.Analyze;

namespace AntiDistill.Cli.Report;

/// <summary>
/// The report's accounts in report order, built one at a time as a writer reaches them. A list of a million
/// findings (each with its signals) would cost far more than the accounts themselves; this holds 16 bytes an
/// account (row, rounded risk, verdict), sorted once, and asks the engine again for each finding it hands out
/// (the engine's end state does not change, so every pass sees the same findings).
/// </summary>
internal sealed class AccountFindings : IReadOnlyList<AccountFinding>
{
    private readonly DistillationEngine _engine;
    private readonly AccountTable _table;
    private readonly Dictionary<ulong, string> _clusterOf;
    private readonly Dictionary<int, List<Indicators.ShareableEvidence>> _shareable;
    private readonly Key[] _order;

    public AccountFindings(DistillationEngine engine, AccountTable table, Dictionary<ulong, string> clusterOf, Dictionary<int, List<Indicators.ShareableEvidence>> shareable)
    {
        _engine = engine;
        _table = table;
        _clusterOf = clusterOf;
        _shareable = shareable;
        _order = new Key[table.Count];
        for (int row = 0; row < table.Count; row++)
        {
            ref var entry = ref table[row];
            bool tracked = engine.TryAssess(entry.Id, out var assessment);
            _order[row] = new Key(row, ReportBuilder.Round(tracked ? assessment.Risk : entry.LastRisk), tracked ? assessment.Verdict : entry.LastVerdict);
        }

        // Flagged first (campaign, then suspicious), riskiest first, then by name in ordinal (UTF-16) order, as before.
        Array.Sort(_order, (a, b) =>
            b.Verdict != a.Verdict ? b.Verdict.CompareTo(a.Verdict)
            : b.Risk != a.Risk ? b.Risk.CompareTo(a.Risk)
            : table.NameSpan(a.Row).SequenceCompareTo(table.NameSpan(b.Row)));
    }

    public int Count => _order.Length;

    public AccountFinding this[int index] => Build(_order[index].Row);

    public IEnumerator<AccountFinding> GetEnumerator()
    {
        for (int i = 0; i < _order.Length; i++)
        {
            yield return Build(_order[i].Row);
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    private AccountFinding Build(int row)
    {
        ref var entry = ref _table[row];
        bool tracked = _engine.TryAssess(entry.Id, out var assessment);
        return new AccountFinding
        {
            Account = _table.Name(row),
            Requests = entry.Requests,
            Risk = ReportBuilder.Round(tracked ? assessment.Risk : entry.LastRisk),
            Verdict = tracked ? assessment.Verdict : entry.LastVerdict,
            Cluster = _clusterOf.GetValueOrDefault(entry.Id.Value),
            FirstFlaggedRequest = entry.FirstFlagged > 0 ? entry.FirstFlagged : null,
            FirstFlaggedTs = entry.FirstFlagged > 0 ? ReportBuilder.At(entry.FirstFlaggedTicks) : null,
            AccountRisk = ReportBuilder.Round(tracked ? assessment.AccountRisk : entry.LastRisk),
            ClusterRisk = ReportBuilder.Round(tracked ? assessment.ClusterRisk : 0),
            FirstTs = ReportBuilder.At(entry.FirstTicks),
            LastTs = ReportBuilder.At(entry.LastTicks),
            Evicted = !tracked,
            Shareable = _shareable.TryGetValue(row, out var shareable) ? shareable : [],
            IndicatorMatch = tracked ? assessment.MatchedIndicator : null,
            Signals = tracked ? ReportBuilder.SignalsOf(assessment.Signals) : [],
        };
    }

    private readonly record struct Key(int Row, double Risk, Verdict Verdict);
}
