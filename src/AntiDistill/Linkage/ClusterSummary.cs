namespace AntiDistill;

/// <summary>A cluster as a reviewer sees it: members, risk, the evidence that linked them and what they do together.</summary>
public sealed record ClusterSummary
{
    /// <summary>The cluster.</summary>
    public required ClusterId Id { get; init; }

    /// <summary>Its member accounts.</summary>
    public required IReadOnlyList<AccountId> Accounts { get; init; }

    /// <summary>Risk from the members' summed activity.</summary>
    public required float Risk { get; init; }

    /// <summary>The verdict that risk maps to.</summary>
    public required Verdict Verdict { get; init; }

    /// <summary>How many links of each kind joined the cluster (by <see cref="LinkKind"/>).</summary>
    public required IReadOnlyDictionary<LinkKind, int> Evidence { get; init; }

    /// <summary>
    /// Distinct content the whole cluster sent (HyperLogLog union of the members' sketches, in MinHash-sample
    /// units), against the largest any single member sent: a hydra's union covers a space no single account does.
    /// </summary>
    public required (double Cluster, double LargestMember) DistinctContent { get; init; }

    /// <summary>The cluster's signals, computed on the members' summed activity.</summary>
    public required IReadOnlyList<SignalScore> Signals { get; init; }
}
