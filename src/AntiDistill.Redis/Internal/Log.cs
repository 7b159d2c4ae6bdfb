using Microsoft.Extensions.Logging;

namespace AntiDistill.Redis.Internal;

/// <summary>Logs of the Redis state: event ids 6000-6099 of AntiDistill.Redis's 6000-6999 (see CONTRIBUTING.md).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 6000, EventName = "CircuitOpened", Level = LogLevel.Warning,
        Message = "Redis is unreachable or failing; rate limits run on local buckets ({FailureMode}) and state sync pauses until it recovers.")]
    public static partial void CircuitOpened(ILogger logger, RedisFailureMode failureMode, Exception? exception);

    [LoggerMessage(EventId = 6001, EventName = "CircuitClosed", Level = LogLevel.Information,
        Message = "Redis is reachable again; shared limits and state sync resume.")]
    public static partial void CircuitClosed(ILogger logger);

    [LoggerMessage(EventId = 6002, EventName = "CallFailed", Level = LogLevel.Debug,
        Message = "Redis call failed ({Operation}); served locally.")]
    public static partial void CallFailed(ILogger logger, string operation, Exception exception);

    [LoggerMessage(EventId = 6003, EventName = "SyncCrashed", Level = LogLevel.Error,
        Message = "The Redis state sync failed unexpectedly; it carries on at the next interval.")]
    public static partial void SyncCrashed(ILogger logger, Exception exception);
}
