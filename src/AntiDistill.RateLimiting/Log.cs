using Microsoft.Extensions.Logging;

namespace AntiDistill.RateLimiting;

/// <summary>Logs of the rate limiters: event ids 2000-2999, AntiDistill.RateLimiting's range (see CONTRIBUTING.md); never reused.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2000, EventName = "TokenBucketStoreFailed", Level = LogLevel.Warning,
        Message = "The token bucket store failed; the request was {Outcome} (FailOpen = {FailOpen}).")]
    private static partial void StoreFailed(ILogger logger, string outcome, bool failOpen, Exception exception);

    [LoggerMessage(EventId = 2001, EventName = "TokenBucketSettleFailed", Level = LogLevel.Warning,
        Message = "The token bucket store failed to settle a request's real usage; the estimate stands.")]
    public static partial void SettleFailed(ILogger logger, Exception exception);

    public static void StoreFailed(ILogger logger, bool failOpen, Exception exception)
        => StoreFailed(logger, failOpen ? "let through" : "rejected", failOpen, exception);
}
