using Microsoft.Extensions.Logging;

namespace AntiDistill.AspNetCore;

internal static partial class Log
{
    // Event ids 3600-3699: indicator feeds.
    [LoggerMessage(EventId = 3600, EventName = "IndicatorFeedLoaded", Level = LogLevel.Information,
        Message = "Indicator feed '{Feed}' loaded: {Indicators} indicators from {Producer} ({Skipped} with patterns the engine cannot evaluate skipped); {Active} active in all.")]
    public static partial void FeedLoaded(ILogger logger, string feed, int indicators, string producer, int skipped, int active);

    [LoggerMessage(EventId = 3601, EventName = "IndicatorFeedRejected", Level = LogLevel.Warning,
        Message = "Indicator feed '{Feed}' rejected ({Reason}): {Detail}. The previous good feed stays active.")]
    public static partial void FeedRejected(ILogger logger, string feed, string reason, string detail);

    [LoggerMessage(EventId = 3602, EventName = "IndicatorFeedUnchanged", Level = LogLevel.Debug,
        Message = "Indicator feed '{Feed}' unchanged.")]
    public static partial void FeedUnchanged(ILogger logger, string feed);
}
