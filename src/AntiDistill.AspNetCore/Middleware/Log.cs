using Microsoft.Extensions.Logging;

namespace AntiDistill.AspNetCore;

internal static partial class Log
{
    // Event ids 1-99: the middleware. Accounts appear only as keyed hashes (AccountId), never in clear.
    [LoggerMessage(EventId = 1, EventName = "ActionTaken", Level = LogLevel.Information,
        Message = "Policy {Policy} takes action {Action} on account {Account}: risk {Risk:0.###}, verdict {Verdict}.")]
    public static partial void ActionTaken(ILogger logger, string policy, AntiDistillationAction action, AccountId account, float risk, Verdict verdict);

    // Debug, not Information: a shadow rollout sees every would-be action, which would flood the logs (the metric counts them).
    [LoggerMessage(EventId = 6, EventName = "ShadowAction", Level = LogLevel.Debug,
        Message = "Policy {Policy} (shadow mode) would take action {Action} on account {Account}: risk {Risk:0.###}, verdict {Verdict}.")]
    public static partial void ShadowAction(ILogger logger, string policy, AntiDistillationAction action, AccountId account, float risk, Verdict verdict);

    [LoggerMessage(EventId = 2, EventName = "Rejected", Level = LogLevel.Information,
        Message = "Policy {Policy} refused a request of account {Account}: {Reason}.")]
    public static partial void Rejected(ILogger logger, string policy, RejectionReason reason, AccountId account);

    [LoggerMessage(EventId = 3, EventName = "BodyNotScored", Level = LogLevel.Debug,
        Message = "Policy {Policy} could not score the body of a request to {Path}: {Status}.")]
    public static partial void BodyNotScored(ILogger logger, string policy, AntiDistill.Requests.RequestReadStatus status, string? path);

    [LoggerMessage(EventId = 4, EventName = "NoAccount", Level = LogLevel.Debug,
        Message = "A request to {Path} carries no account (no API key, no account claim); let through unscored.")]
    public static partial void NoAccount(ILogger logger, string? path);

    [LoggerMessage(EventId = 5, EventName = "UnknownPolicy", Level = LogLevel.Error,
        Message = "The endpoint names AntiDistill policy {Policy}, which is not configured; using the default policy {DefaultPolicy}.")]
    public static partial void UnknownPolicy(ILogger logger, string policy, string defaultPolicy);
}
