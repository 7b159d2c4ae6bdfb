using Microsoft.Extensions.Logging;

namespace AntiDistill.AspNetCore;

internal static partial class Log
{
    // Event ids 3200-3299: policies and options.
    [LoggerMessage(EventId = 3200, EventName = "OptionsReloaded", Level = LogLevel.Information,
        Message = "AntiDistill HTTP options reloaded: {Policies} policies.")]
    public static partial void OptionsReloaded(ILogger logger, int policies);

    [LoggerMessage(EventId = 3201, EventName = "ReloadRejected", Level = LogLevel.Error,
        Message = "AntiDistill HTTP options were changed to an invalid configuration, which is ignored; the last valid policies keep serving. {Failures}")]
    public static partial void ReloadRejected(ILogger logger, string failures);
}
