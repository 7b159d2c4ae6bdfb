using Microsoft.Extensions.Logging;

namespace AntiDistill.Redis.Internal;

/// <summary>Logs of the Redis state (event ids 6000-6099).</summary>
internal static partial class Log
{
    [LoggerMessage(6000, LogLevel.Warning, "Redis is unreachable or failing; rate limits run on local buckets ({FailureMode}) and state sync pauses until it recovers.")]
    public static partial void CircuitOpened(ILogger logger, RedisFailureMode failureMode, Exception? exception);

    [LoggerMessage(6001, LogLevel.Information, "Redis is reachable again; shared limits and state sync resume.")]
    public static partial void CircuitClosed(ILogger logger);

    [LoggerMessage(6002, LogLevel.Debug, "Redis call failed ({Operation}); served locally.")]
    public static partial void CallFailed(ILogger logger, string operation, Exception exception);

    [LoggerMessage(6003, LogLevel.Error, "The Redis state sync failed unexpectedly; it carries on at the next interval.")]
    public static partial void SyncCrashed(ILogger logger, Exception exception);
}
