using Microsoft.Extensions.Logging;

namespace AntiDistill.AspNetCore;

internal static partial class Log
{
    // Event ids 3700-3799 (AspNetCore, Capture/; CONTRIBUTING.md): request capture. Never a record's content: the directory and the error only.
    [LoggerMessage(EventId = 3700, EventName = "CaptureStarted", Level = LogLevel.Information,
        Message = "Request capture writing to '{Directory}' (prompts retained: {RetainPrompts}).")]
    public static partial void CaptureStarted(ILogger logger, string directory, bool retainPrompts);

    [LoggerMessage(EventId = 3701, EventName = "CaptureWriteFailed", Level = LogLevel.Warning,
        Message = "Request capture cannot write to '{Directory}': {Error}. Records are dropped and counted (antidistill.capture.dropped, reason io_error) "
            + "until writing works again; {Dropped} dropped since the last such line.")]
    public static partial void CaptureWriteFailed(ILogger logger, string directory, string error, long dropped);

    [LoggerMessage(EventId = 3702, EventName = "CaptureStopped", Level = LogLevel.Information,
        Message = "Request capture stopped: {Written} records written since start.")]
    public static partial void CaptureStopped(ILogger logger, long written);
}
