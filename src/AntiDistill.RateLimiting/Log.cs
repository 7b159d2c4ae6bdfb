using Microsoft.Extensions.Logging;

namespace AntiDistill.RateLimiting;

/// <summary>Logs of the rate limiters. Event ids 400-449 are reserved for this folder and never reused.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 400, EventName = "TokenBucketStoreFailed", Level = LogLevel.Warning,
        Message = "The token bucket store failed; the request was {Outcome} (FailOpen = {FailOpen}).")]
    private static partial void StoreFailed(ILogger logger, string outcome, bool failOpen, Exception exception);

    [LoggerMessage(EventId = 401, EventName = "TokenBucketSettleFailed", Level = LogLevel.Warning,
        Message = "The token bucket store failed to settle a request's real usage; the estimate stands.")]
    public static partial void SettleFailed(ILogger logger, Exception exception);

    public static void StoreFailed(ILogger logger, bool failOpen, Exception exception)
        => StoreFailed(logger, failOpen ? "let through" : "rejected", failOpen, exception);
}
