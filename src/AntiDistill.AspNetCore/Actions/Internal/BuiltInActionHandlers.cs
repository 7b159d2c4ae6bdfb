using System.Globalization;

namespace AntiDistill.AspNetCore;

/// <summary>The built-in actions as handlers, registered under their <see cref="AntiDistillationAction"/> names.</summary>
internal static class BuiltInActionHandlers
{
    public static IAntiDistillationActionHandler For(AntiDistillationAction action) => action switch
    {
        AntiDistillationAction.Annotate => AnnotateActionHandler.Instance,
        AntiDistillationAction.Throttle => ThrottleActionHandler.Instance,
        AntiDistillationAction.Challenge => ChallengeActionHandler.Instance,
        AntiDistillationAction.Block => BlockActionHandler.Instance,

        // Degrade rewrote the body while scoring (when its bytes were still at hand), through the format's IDegradeRequestRewriter.
        _ => ContinueActionHandler.Instance,
    };

    /// <summary>A completed "refused" for a rejection that finished at once; an awaited one otherwise.</summary>
    public static ValueTask<bool> Refused(Task rejection) => rejection.IsCompletedSuccessfully ? new ValueTask<bool>(false) : AwaitRefusedAsync(rejection);

    private static async ValueTask<bool> AwaitRefusedAsync(Task rejection)
    {
        await rejection.ConfigureAwait(false);
        return false;
    }
}

/// <summary>Allow and degrade: the request goes on as it is (degrade's rewrite happened while scoring).</summary>
internal sealed class ContinueActionHandler : IAntiDistillationActionHandler
{
    public static readonly ContinueActionHandler Instance = new();

    public ValueTask<bool> HandleAsync(AntiDistillationActionContext context) => new(true);
}

/// <summary>Annotate: risk and verdict headers on the request (for the upstream) and, per policy, on the response.</summary>
internal sealed class AnnotateActionHandler : IAntiDistillationActionHandler
{
    public static readonly AnnotateActionHandler Instance = new();

    public ValueTask<bool> HandleAsync(AntiDistillationActionContext context)
    {
        ref readonly var assessment = ref context.ScoredFeature.Scored;
        string risk = assessment.Risk.ToString("0.###", CultureInfo.InvariantCulture);
        string verdict = AntiDistillationMetrics.VerdictName(assessment.Verdict);
        var http = context.HttpContext;
        http.Request.Headers[AntiDistillationMiddleware.RiskHeader] = risk;
        http.Request.Headers[AntiDistillationMiddleware.VerdictHeader] = verdict;
        if (context.Policy.ResponseHeaders)
        {
            http.Response.Headers[AntiDistillationMiddleware.RiskHeader] = risk;
            http.Response.Headers[AntiDistillationMiddleware.VerdictHeader] = verdict;
        }

        return new(true);
    }
}

/// <summary>
/// Throttle: the risk-aware limiter, then 429 or the endpoint. It serves the request itself (and returns false) because
/// the lease it holds settles with what the response really served.
/// </summary>
internal sealed class ThrottleActionHandler : IAntiDistillationActionHandler
{
    public static readonly ThrottleActionHandler Instance = new();

    public ValueTask<bool> HandleAsync(AntiDistillationActionContext context) => context.Middleware.ThrottleAsync(context);
}

/// <summary>Challenge: 403 asking the caller to verify the account (<see cref="AntiDistillationPolicy.VerificationUrl"/>).</summary>
internal sealed class ChallengeActionHandler : IAntiDistillationActionHandler
{
    public static readonly ChallengeActionHandler Instance = new();

    public ValueTask<bool> HandleAsync(AntiDistillationActionContext context) =>
        BuiltInActionHandlers.Refused(context.RejectAsync(RejectionReason.Challenged, Rejections.Challenged(context.Policy.VerificationUrl)));
}

/// <summary>Block: 403.</summary>
internal sealed class BlockActionHandler : IAntiDistillationActionHandler
{
    public static readonly BlockActionHandler Instance = new();

    public ValueTask<bool> HandleAsync(AntiDistillationActionContext context) =>
        BuiltInActionHandlers.Refused(context.RejectAsync(RejectionReason.Blocked, Rejections.Blocked()));
}
