namespace AntiDistill.AspNetCore;

/// <summary>
/// When the background linkage last completed a pass, and when it last saw requests dropped from linkage, for the health
/// check and the <c>antidistill.linkage.last_pass_age</c> gauge. Timestamps from <see cref="TimeProvider.GetTimestamp"/>;
/// written by the one linkage loop, read from any thread.
/// </summary>
internal sealed class LinkageStatus(TimeProvider time)
{
    private long _started;
    private long _lastPass;
    private long _lastDrop;
    private long _dropped;

    /// <summary>Whether the loop has started (before that there is nothing to be late for).</summary>
    public bool Started => Volatile.Read(ref _started) != 0;

    /// <summary>Time since the last completed pass (since the loop started, before its first pass); zero before the start.</summary>
    public TimeSpan SinceLastPass
    {
        get
        {
            long last = Volatile.Read(ref _lastPass);
            long since = last != 0 ? last : Volatile.Read(ref _started);
            return since == 0 ? TimeSpan.Zero : time.GetElapsedTime(since);
        }
    }

    /// <summary>Time since a pass last found more requests dropped than the pass before; null if none ever were.</summary>
    public TimeSpan? SinceLastDrop
    {
        get
        {
            long last = Volatile.Read(ref _lastDrop);
            return last == 0 ? null : time.GetElapsedTime(last);
        }
    }

    public void Start() => Volatile.Write(ref _started, time.GetTimestamp());

    /// <summary>A pass completed; <paramref name="dropped"/> is the engine's running count of requests dropped from linkage.</summary>
    public void Completed(long dropped)
    {
        long now = time.GetTimestamp();
        if (dropped > _dropped)
        {
            _dropped = dropped;
            Volatile.Write(ref _lastDrop, now);
        }

        Volatile.Write(ref _lastPass, now);
    }
}
