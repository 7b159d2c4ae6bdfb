namespace AntiDistill.Cli.Indicators;

/// <summary>
/// One value a flagged group (cluster or lone account) carried that another provider could recompute, with the counts
/// an exporter needs to decide whether it may travel: how many of the group's accounts carried it, how many accounts in
/// the whole log did, and how many of those were never flagged (organic).
/// </summary>
/// <param name="Kind">What the value is.</param>
/// <param name="Value">Its canonical text (see <see cref="Indicator.Value"/>).</param>
/// <param name="Accounts">The group's accounts that carried it.</param>
/// <param name="AllAccounts">Accounts in the log that carried it (for prefixes, counted up to <see cref="EvidenceCollector.PrefixAccountsTracked"/>).</param>
/// <param name="OrganicAccounts">Of those, accounts the replay never flagged.</param>
internal sealed record ShareableEvidence(IndicatorKind Kind, string Value, int Accounts, int AllAccounts, int OrganicAccounts);
