using Microsoft.Extensions.Logging;

namespace AntiDistill.AspNetCore;

internal static partial class Log
{
    // Event ids 3000-3099: the middleware (AntiDistill.AspNetCore owns 3000-3999; see CONTRIBUTING.md). Accounts appear only as keyed hashes (AccountId), never in clear. Decisions and
    // refusals pass a LogRateGate first (per account and overall), so load cannot turn into a log flood.
    [LoggerMessage(EventId = 3001, EventName = "Decision", Level = LogLevel.Information,
        Message = "Policy {Policy} takes action {Action} on account {Account} (cluster {Cluster}): risk {Risk:0.###}, verdict {Verdict}, " +
            "top reasons {Reasons}; {Suppressed} earlier decisions for this account not logged.")]
    public static partial void Decision(ILogger logger, string policy, string action, AccountId account, ClusterId cluster,
        float risk, Verdict verdict, string reasons, int suppressed);

    // Debug, not Information: a shadow rollout sees every would-be action (the metric counts them all).
    [LoggerMessage(EventId = 3006, EventName = "ShadowDecision", Level = LogLevel.Debug,
        Message = "Policy {Policy} (shadow mode) would take action {Action} on account {Account} (cluster {Cluster}): risk {Risk:0.###}, " +
            "verdict {Verdict}, top reasons {Reasons}; {Suppressed} earlier decisions for this account not logged.")]
    public static partial void ShadowDecision(ILogger logger, string policy, string action, AccountId account, ClusterId cluster,
        float risk, Verdict verdict, string reasons, int suppressed);

    [LoggerMessage(EventId = 3002, EventName = "Refused", Level = LogLevel.Information,
        Message = "Policy {Policy} refused a request of account {Account} before scoring: {Reason}; {Suppressed} earlier refusals for this account not logged.")]
    public static partial void Refused(ILogger logger, string policy, RejectionReason reason, AccountId account, int suppressed);

    [LoggerMessage(EventId = 3003, EventName = "BodyNotScored", Level = LogLevel.Debug,
        Message = "Policy {Policy} could not score the body of a request to {Path} from account {Account}: {Status}.")]
    public static partial void BodyNotScored(ILogger logger, string policy, AntiDistill.Requests.RequestReadStatus status, string? path, AccountId account);

    [LoggerMessage(EventId = 3004, EventName = "NoAccount", Level = LogLevel.Debug,
        Message = "A request to {Path} carries no credential (no API key, no account claim); handled as {Handling}.")]
    public static partial void NoAccount(ILogger logger, string? path, MissingCredentialHandling handling);

    [LoggerMessage(EventId = 3005, EventName = "UnknownPolicy", Level = LogLevel.Error,
        Message = "The endpoint names AntiDistill policy {Policy}, which is not configured; using the default policy {DefaultPolicy}.")]
    public static partial void UnknownPolicy(ILogger logger, string policy, string defaultPolicy);

    // The client's fault, not the server's: Debug like Kestrel's own bad-request lines, no stack trace, and gated.
    [LoggerMessage(EventId = 3007, EventName = "ClientFault", Level = LogLevel.Debug,
        Message = "A client's request body could not be read ({Fault}: {Detail}); answered {Status}. {Suppressed} similar faults not logged.")]
    public static partial void ClientFault(ILogger logger, string fault, string detail, int status, int suppressed);

    [LoggerMessage(EventId = 3008, EventName = "RoutingAfterMiddleware", Level = LogLevel.Error,
        Message = "Endpoint {Endpoint} carries AntiDistill metadata, but UseAntiDistillation() runs before UseRouting(): the endpoint's policy " +
            "is ignored and its requests run under the default policy. Call app.UseRouting() before app.UseAntiDistillation().")]
    public static partial void RoutingAfterMiddleware(ILogger logger, string? endpoint);

    [LoggerMessage(EventId = 3009, EventName = "ConflictingCredentials", Level = LogLevel.Debug,
        Message = "A request to {Path} carries two different API keys; policy {Policy} handles it as {Handling}.")]
    public static partial void ConflictingCredentials(ILogger logger, string? path, string policy, CredentialConflictHandling handling);
}
