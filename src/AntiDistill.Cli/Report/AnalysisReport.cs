namespace AntiDistill.Cli.Report;

/// <summary>The findings of one analysis, as report v1 (<c>docs/report-v1.md</c>) and the HTML page show them.</summary>
internal sealed record AnalysisReport
{
    public const string Schema = "antidistill.report/v1";

    public required ReportInput Input { get; init; }

    public required ReportThresholds Thresholds { get; init; }

    /// <summary>Every account seen, once: flagged first (campaign, then suspicious), riskiest first, then by name.</summary>
    public required IReadOnlyList<AccountFinding> Accounts { get; init; }

    /// <summary>Clusters of two or more accounts, riskiest first.</summary>
    public required IReadOnlyList<ClusterFinding> Clusters { get; init; }

    public required ReportTimeline Timeline { get; init; }
}

internal sealed record ReportInput
{
    public long Lines { get; init; }

    public long Records { get; init; }

    public long BadLines { get; init; }

    public int Accounts { get; init; }

    public DateTimeOffset? FirstTs { get; init; }

    public DateTimeOffset? LastTs { get; init; }

    /// <summary>Bytes of the log file (compressed size for gzip).</summary>
    public long Bytes { get; init; }

    public bool Compressed { get; init; }

    /// <summary>Records with an unreadable body and no <c>prompt</c>, scored on timing and client attributes only.</summary>
    public long UnreadBodies { get; init; }

    /// <summary>Records later than the reorder window, replayed out of <c>ts</c> order.</summary>
    public long LateRecords { get; init; }

    /// <summary>Why the log was not read to its end (a cut or corrupt gzip archive), or null when it was: the report then covers only the part before.</summary>
    public string? Damage { get; init; }
}

internal sealed record ReportThresholds(double Suspicious, double Campaign);

internal sealed record SignalEntry(string Name, double Value, double Contribution);

internal sealed record EvidenceEntry(string Name, int Links);

internal sealed record AccountFinding
{
    public required string Account { get; init; }

    public int Requests { get; init; }

    public double Risk { get; init; }

    public Verdict Verdict { get; init; }

    /// <summary>The cluster id (<c>c-0007</c>), or null when linked to no other account.</summary>
    public string? Cluster { get; init; }

    /// <summary>1-based, from the streaming replay; null if never flagged.</summary>
    public int? FirstFlaggedRequest { get; init; }

    public DateTimeOffset? FirstFlaggedTs { get; init; }

    public double AccountRisk { get; init; }

    public double ClusterRisk { get; init; }

    public DateTimeOffset FirstTs { get; init; }

    public DateTimeOffset LastTs { get; init; }

    /// <summary>For a flagged account in no cluster: the evidence an indicator export may share (optional report field <c>shareable_evidence</c>).</summary>
    public IReadOnlyList<Indicators.ShareableEvidence> Shareable { get; init; } = [];

    /// <summary>The imported indicator the account matched most strongly (optional report field <c>indicator_match</c>), or null.</summary>
    public Indicator? IndicatorMatch { get; init; }

    /// <summary>True when the engine's store had to drop the account (more accounts than <c>--max-accounts</c>): risk and verdict are those after its last request, signals unknown.</summary>
    public bool Evicted { get; init; }

    public required IReadOnlyList<SignalEntry> Signals { get; init; }
}

internal sealed record ClusterFinding
{
    public required string Id { get; init; }

    /// <summary>Member names, ordinal order.</summary>
    public required IReadOnlyList<string> Accounts { get; init; }

    public double Risk { get; init; }

    public Verdict Verdict { get; init; }

    public int Requests { get; init; }

    public required IReadOnlyList<EvidenceEntry> Evidence { get; init; }

    /// <summary>HyperLogLog estimate of distinct content the whole cluster sent, and the most any one member sent.</summary>
    public (double Cluster, double LargestMember) DistinctContent { get; init; }

    /// <summary>Risk of the traffic carrying a template the members each repeat (0 if none joined them); see <see cref="ClusterSummary.SharedTemplateRisk"/>.</summary>
    public double SharedTemplateRisk { get; init; }

    /// <summary>Members suspicious on their own evidence; see <see cref="ClusterSummary.SuspiciousMembers"/>.</summary>
    public int SuspiciousMembers { get; init; }

    public required IReadOnlyList<SignalEntry> Signals { get; init; }

    /// <summary>When flagged: the evidence an indicator export may share (optional report field <c>shareable_evidence</c>).</summary>
    public IReadOnlyList<Indicators.ShareableEvidence> Shareable { get; init; } = [];
}

/// <summary>Requests per bucket by the verdict the streaming engine gave each one at the time.</summary>
internal sealed record ReportTimeline
{
    public DateTimeOffset? Start { get; init; }

    public TimeSpan Bucket { get; init; }

    public required IReadOnlyList<(long Organic, long Suspicious, long Campaign)> Buckets { get; init; }
}
