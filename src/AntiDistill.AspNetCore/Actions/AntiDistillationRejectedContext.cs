using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace AntiDistill.AspNetCore;

/// <summary>What <see cref="AntiDistillationHttpOptions.OnRejected"/> receives, like the rate limiter's <c>OnRejectedContext</c>.</summary>
public sealed class AntiDistillationRejectedContext
{
    internal AntiDistillationRejectedContext(HttpContext httpContext, RejectionReason reason, ProblemDetails problem, TimeSpan? retryAfter)
    {
        HttpContext = httpContext;
        Reason = reason;
        Problem = problem;
        RetryAfter = retryAfter;
        Feature = httpContext.Features.Get<IAntiDistillationFeature>();
    }

    /// <summary>The refused request. Write to its response to replace the middleware's.</summary>
    public HttpContext HttpContext { get; }

    /// <summary>Why it was refused.</summary>
    public RejectionReason Reason { get; }

    /// <summary>The RFC 9457 problem about to be written (status included); change it to change the response.</summary>
    public ProblemDetails Problem { get; }

    /// <summary>The <c>Retry-After</c> about to be sent, or null; settable.</summary>
    public TimeSpan? RetryAfter { get; set; }

    /// <summary>The assessment, on <see cref="IAntiDistillationFeature"/> (null for a bad body that was not scored).</summary>
    public IAntiDistillationFeature? Feature { get; }
}
