using Microsoft.Extensions.Logging;

namespace AntiDistill.AspNetCore;

internal static partial class Log
{
    // Event ids 3300-3399: background linkage and eviction.
    [LoggerMessage(EventId = 3300, EventName = "LinkageProcessed", Level = LogLevel.Trace,
        Message = "Linked {Processed} requests into clusters ({Dropped} dropped since start).")]
    public static partial void LinkageProcessed(ILogger logger, int processed, long dropped);

    [LoggerMessage(EventId = 3301, EventName = "IdleAccountsEvicted", Level = LogLevel.Debug,
        Message = "Evicted {Evicted} idle accounts; {Tracked} tracked.")]
    public static partial void Evicted(ILogger logger, int evicted, int tracked);

    [LoggerMessage(EventId = 3302, EventName = "LinkageFailed", Level = LogLevel.Error,
        Message = "Account linkage pass failed; retrying on the next tick.")]
    public static partial void LinkageFailed(ILogger logger, Exception exception);
}
