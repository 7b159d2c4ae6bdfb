namespace AntiDistill.Cli.Indicators;

/// <summary>What <c>antidistill indicators export</c> shares, and what it holds back (the command-line options).</summary>
internal sealed record ExportSettings
{
    /// <summary>The producer's name, written as the bundle's STIX identity.</summary>
    public string Producer { get; init; } = "AntiDistill user";

    /// <summary>Only these clusters (ids such as <c>c-0001</c>); empty: every flagged cluster and lone account.</summary>
    public IReadOnlyList<string> Clusters { get; init; } = [];

    /// <summary>The least verdict exported. Default <see cref="Verdict.Suspicious"/>.</summary>
    public Verdict MinVerdict { get; init; } = Verdict.Suspicious;

    /// <summary>The bundle's TLP 2.0 marking. Default AMBER.</summary>
    public TlpLevel Tlp { get; init; } = TlpLevel.Amber;

    /// <summary>A network prefix is shared only when at least this many accounts were seen on it. Default 5.</summary>
    public int MinPrefixAccounts { get; init; } = 5;

    /// <summary>A client or network value is withheld when more than this share of the accounts carrying it was never flagged. Default 0.05.</summary>
    public double MaxOrganicShare { get; init; } = 0.05;

    /// <summary>How long after the campaign's last request the indicators stay valid. Default 30 days.</summary>
    public TimeSpan ValidFor { get; init; } = TimeSpan.FromDays(30);

    /// <summary>When the bundle is made; the report's last timestamp when null (reruns give the same bundle).</summary>
    public DateTimeOffset? Created { get; init; }
}
