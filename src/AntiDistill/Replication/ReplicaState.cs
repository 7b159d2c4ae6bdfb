namespace AntiDistill;

/// <summary>
/// What this node alone has seen of an account: the summable parts of <see cref="AccountState"/> fed by local
/// requests only. The account's main state is this plus the other nodes' contributions, rebuilt on each import;
/// shipping this part (not the sum) keeps each request counted once however often nodes exchange.
/// </summary>
/// <remarks>
/// The max-merged sketches (distinct content, content profile) need no own copy: merging them again is harmless.
/// Guarded by the account's shard lock, like the state it belongs to.
/// </remarks>
internal sealed class ReplicaState
{
    private static long s_incarnations;

    public ActivityCounters Activity;
    public GapStatistics Gaps;
    public TopTemplates Templates;
    public AccountState.DistanceHistogram Distances;

    /// <summary>The other nodes' activity as last imported, so the cluster gets only what is new (see <see cref="ActivityCounters.DeltaSince"/>).</summary>
    public ActivityCounters RemoteActivity;

    /// <summary>Newest link-attribute timestamp imported, so that a node's older attributes are not replayed.</summary>
    public long LinkImportedMs;

    /// <summary>
    /// Tells this life of the account on this node from earlier ones: after an eviction or a restart the own
    /// contribution starts again from zero under a new key, and the old key's counts stay counted as remote.
    /// </summary>
    public ulong Incarnation;

    /// <summary>Whether the account waits in the change feed (set on the request path, cleared when collected).</summary>
    public bool Dirty;

    public ReplicaState() => Reset();

    public void Reset()
    {
        Activity = default;
        Gaps = default;
        Templates = default;
        Distances = default;
        RemoteActivity = default;
        LinkImportedMs = 0;
        Dirty = false;
        Incarnation = (ulong)Interlocked.Increment(ref s_incarnations);
    }

    /// <summary>Folds one local request in, the same way <see cref="AccountState.Observe"/> does for the whole.</summary>
    public void Observe(in RequestSummary request, ulong template, int nearestBucket)
    {
        if (Activity.Requests > 0)
        {
            Gaps.Add(Math.Max(0, request.TimestampMs - Activity.LastSeenMs) / 1000.0);
        }

        Activity.Add(request);
        Templates.Add(template);
        if (nearestBucket >= 0)
        {
            Distances.Add(nearestBucket);
        }
    }
}
