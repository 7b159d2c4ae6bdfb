using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace AntiDistill.AspNetCore;

/// <summary>What an <see cref="IAntiDistillationActionHandler"/> acts on: the request, its assessment and the policy that chose the action.</summary>
/// <remarks>
/// A struct made by the middleware for each scored request that a band sends to a handler: passing it costs no
/// allocation on the request path. A default instance is empty.
/// </remarks>
public readonly struct AntiDistillationActionContext
{
    private readonly AntiDistillationMiddleware? _middleware;
    private readonly AntiDistillationFeature? _feature;
    private readonly AntiDistillationHttpOptions? _options;

    internal AntiDistillationActionContext(AntiDistillationMiddleware middleware, HttpContext httpContext, string policyName, AntiDistillationPolicy policy,
        AntiDistillationFeature feature, AntiDistillationHttpOptions options, string actionName, long estimatedTokens)
    {
        _middleware = middleware;
        _feature = feature;
        _options = options;
        HttpContext = httpContext;
        PolicyName = policyName;
        Policy = policy;
        ActionName = actionName;
        EstimatedTokens = estimatedTokens;
    }

    /// <summary>The request.</summary>
    public HttpContext HttpContext { get; }

    /// <summary>The name of the policy the request runs under.</summary>
    public string PolicyName { get; }

    /// <summary>The policy whose band chose the action (its options, e.g. <see cref="AntiDistillationPolicy.RetryAfter"/>, are the handler's to read).</summary>
    public AntiDistillationPolicy Policy { get; }

    /// <summary>The name the handler is registered under (the band's <see cref="RiskBand.Handler"/>, or the built-in action's name in lower case).</summary>
    public string ActionName { get; }

    /// <summary>What the middleware concluded (also on <c>HttpContext.Features</c>); always scored when a handler runs.</summary>
    public IAntiDistillationFeature Feature => _feature!;

    /// <summary>The account's assessment after this request: risk, verdict, cluster and the reasons.</summary>
    public Assessment Assessment => _feature!.Scored;

    /// <summary>The tokens the request was estimated to cost (only computed for the throttle action; 0 otherwise).</summary>
    internal long EstimatedTokens { get; }

    internal AntiDistillationMiddleware Middleware => _middleware!;

    internal AntiDistillationFeature ScoredFeature => _feature!;

    internal AntiDistillationHttpOptions Options => _options!;

    /// <summary>
    /// Refuses the request the way the built-in actions do: counted in the <c>antidistill.rejections</c> metric, passed to
    /// <see cref="AntiDistillationHttpOptions.OnRejected"/>, then written as the policy's <see cref="AntiDistillationPolicy.RejectionFormat"/>
    /// (problem details, or the caller's API dialect) with the problem's status. Return false from the handler afterwards.
    /// </summary>
    /// <param name="reason">Why, for the metric and the hook (a host action usually maps to <see cref="RejectionReason.Blocked"/> or <see cref="RejectionReason.Challenged"/>).</param>
    /// <param name="problem">The RFC 9457 problem to write; its <see cref="ProblemDetails.Status"/> is the response's status (403 when null).</param>
    /// <param name="retryAfter">The <c>Retry-After</c> to send, or null for none.</param>
    public Task RejectAsync(RejectionReason reason, ProblemDetails problem, TimeSpan? retryAfter = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (_middleware is null)
        {
            throw new InvalidOperationException("This context was not made by the middleware.");
        }

        return _middleware.RejectScoredAsync(this, reason, problem, retryAfter);
    }
}
