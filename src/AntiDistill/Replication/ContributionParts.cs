namespace AntiDistill;

/// <summary>The shareable parts of an account's state: one node's contribution, or several summed (counters) and max-merged (sketches).</summary>
internal struct ContributionParts
{
    public ActivityCounters Activity;
    public GapStatistics Gaps;
    public TopTemplates Templates;
    public AccountState.DistanceHistogram Distances;
    public HyperLogLog Content;
    public ContentProfile Profile;

    public void Add(in ContributionParts other)
    {
        Activity.MergeFrom(other.Activity);
        Gaps.MergeFrom(other.Gaps);
        Templates.MergeFrom(other.Templates);
        Distances.MergeFrom(other.Distances);
        Content.MergeFrom(other.Content);
        Profile.MergeFrom(other.Profile);
    }
}
