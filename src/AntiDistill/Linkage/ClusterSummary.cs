namespace AntiDistill;

/// <summary>A cluster as a reviewer sees it: members, risk, the evidence that linked them and what they do together.</summary>
public sealed record ClusterSummary
{
    /// <summary>The cluster.</summary>
    public required ClusterId Id { get; init; }

    /// <summary>Its member accounts.</summary>
    public required IReadOnlyList<AccountId> Accounts { get; init; }

    /// <summary>
    /// Risk of the cluster: from the members' summed activity, or <see cref="SharedTemplateRisk"/> when that is higher.
    /// </summary>
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

    /// <summary>
    /// Risk of the traffic that carried a prompt template the members each repeat (0 when no such template joined
    /// them): a low-and-slow campaign's sweep, scored apart from the cover conversations around it.
    /// See <see cref="LinkageOptions.TemplateCohortRepeats"/>.
    /// </summary>
    public float SharedTemplateRisk { get; init; }

    /// <summary>
    /// Members suspicious on their own evidence when last linked. With at least
    /// <see cref="LinkageOptions.CampaignMembers"/> of them, half the cluster or more, the cluster is rated a campaign.
    /// </summary>
    public int SuspiciousMembers { get; init; }

    /// <summary>The cluster's signals, computed on the members' summed activity.</summary>
    public required IReadOnlyList<SignalScore> Signals { get; init; }
}
