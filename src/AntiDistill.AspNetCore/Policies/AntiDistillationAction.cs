namespace AntiDistill.AspNetCore;

/// <summary>
/// What the middleware does with a scored request, from the mildest to the hardest; each is a built-in
/// <see cref="IAntiDistillationActionHandler"/> registered under its name, beside the host's own (<see cref="Custom"/>).
/// </summary>
public enum AntiDistillationAction
{
    /// <summary>Let the request through untouched (the assessment is still on <see cref="IAntiDistillationFeature"/>).</summary>
    Allow = 0,

    /// <summary>Let it through with <c>AntiDistill-Risk</c> / <c>AntiDistill-Verdict</c> headers on the request (for the upstream) and optionally the response.</summary>
    Annotate = 1,

    /// <summary>Let it through the risk-aware rate limiters; 429 with <c>Retry-After</c> when they refuse.</summary>
    Throttle = 2,

    /// <summary>Let it through with the output budget capped and requested reasoning removed from the body.</summary>
    Degrade = 3,

    /// <summary>Refuse with 403 ProblemDetails asking the caller to verify the account.</summary>
    Challenge = 4,

    /// <summary>Refuse with 403 ProblemDetails.</summary>
    Block = 5,

    /// <summary>
    /// A handler the host registered (<c>AddActionHandler</c>), named by the band's <see cref="RiskBand.Handler"/>;
    /// <see cref="IAntiDistillationFeature.ActionName"/> says which.
    /// </summary>
    Custom = 6,
}
