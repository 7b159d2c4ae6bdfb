using Microsoft.Extensions.Logging;

namespace AntiDistill.AspNetCore;

internal static partial class Log
{
    // Event ids 3100-3199: resolvers. The account is logged as its keyed hash, never as the id or key in clear.
    [LoggerMessage(EventId = 3100, EventName = "ProfileLookupFailed", Level = LogLevel.Warning,
        Message = "Account profile lookup failed for account {Account}; scoring without a profile.")]
    public static partial void ProfileLookupFailed(ILogger logger, AccountId account, Exception exception);
}
