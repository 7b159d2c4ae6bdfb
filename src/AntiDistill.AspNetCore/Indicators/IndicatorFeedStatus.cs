using System.Collections.Concurrent;

namespace AntiDistill.AspNetCore;

/// <summary>
/// How each indicator feed's reads went, for the health check: when it was last read good (loaded, or confirmed
/// unchanged by the server), and whether the latest read failed and why. Written by the feed service, read from any thread.
/// </summary>
internal sealed class IndicatorFeedStatus
{
    private readonly ConcurrentDictionary<string, FeedState> _feeds = new(StringComparer.Ordinal);

    /// <summary>The feeds read at least once, by name.</summary>
    public IEnumerable<KeyValuePair<string, FeedState>> Feeds => _feeds;

    public void Good(string feed, DateTimeOffset at) => _feeds[feed] = new FeedState(at, null, at);

    public void Failed(string feed, string reason, DateTimeOffset at) =>
        _feeds.AddOrUpdate(feed, static (_, a) => new FeedState(null, a.Reason, a.At), static (_, old, a) => old with { FailedReason = a.Reason, LastRead = a.At }, (Reason: reason, At: at));

    /// <param name="LastGood">When the feed was last read good; null if never.</param>
    /// <param name="FailedReason">Why the latest read failed (the rejection reason of the metric); null when it succeeded.</param>
    /// <param name="LastRead">When it was last read, good or not.</param>
    internal sealed record FeedState(DateTimeOffset? LastGood, string? FailedReason, DateTimeOffset LastRead);
}
