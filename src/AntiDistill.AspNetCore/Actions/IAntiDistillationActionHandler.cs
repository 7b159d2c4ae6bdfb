namespace AntiDistill.AspNetCore;

/// <summary>
/// Carries out an action on a scored request: what a policy's band calls for once the request's risk reaches it. The
/// built-in actions (<see cref="AntiDistillationAction"/>: <c>allow</c>, <c>annotate</c>, <c>throttle</c>, <c>degrade</c>,
/// <c>challenge</c>, <c>block</c>) are handlers like any other; a host adds its own with
/// <c>AddActionHandler&lt;THandler&gt;("name")</c> and names it in a band (<see cref="RiskBand.Handler"/>).
/// </summary>
/// <remarks>
/// One instance serves every request (a singleton, resolved once when the middleware starts and bound to each policy's
/// bands the first time the policy is used), so it must be thread-safe. It runs on the request path: return a completed
/// <see cref="ValueTask{TResult}"/> when there is nothing to wait for. It is never called in shadow mode.
/// </remarks>
public interface IAntiDistillationActionHandler
{
    /// <summary>Acts on the request.</summary>
    /// <returns>
    /// True to let the request go on to the endpoint (the middleware serves it and observes the response); false when the
    /// handler has completed the request itself, e.g. refused it with
    /// <see cref="AntiDistillationActionContext.RejectAsync(RejectionReason, Microsoft.AspNetCore.Mvc.ProblemDetails, TimeSpan?)"/>.
    /// </returns>
    ValueTask<bool> HandleAsync(AntiDistillationActionContext context);
}
