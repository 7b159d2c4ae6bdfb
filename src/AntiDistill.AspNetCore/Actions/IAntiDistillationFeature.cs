using AntiDistill.Requests;

namespace AntiDistill.AspNetCore;

/// <summary>
/// What AntiDistill concluded about the current request, on <c>HttpContext.Features</c> for endpoints,
/// proxies and logging further down the pipeline. Absent when the middleware let the request through without
/// reading it (an endpoint it does not protect, or no credential under <see cref="MissingCredentialHandling.Allow"/>);
/// present with <see cref="IsScored"/> false and a null <see cref="Assessment"/> when it read a body it could not score.
/// </summary>
public interface IAntiDistillationFeature
{
    /// <summary>The policy the request ran under.</summary>
    string Policy { get; }

    /// <summary>How reading the body went; the assessment is meaningful only when <see cref="RequestReadStatus.Ok"/>.</summary>
    RequestReadStatus BodyStatus { get; }

    /// <summary>The format the body was read as.</summary>
    RequestFormat Format { get; }

    /// <summary>Whether the engine scored the request; false for a body it could not read (see <see cref="BodyStatus"/>).</summary>
    bool IsScored { get; }

    /// <summary>The account's assessment after this request; null when the request was not scored, never a stand-in "organic, risk 0".</summary>
    Assessment? Assessment { get; }

    /// <summary>The action the policy's bands call for (<see cref="AntiDistillationAction.Allow"/> when not scored).</summary>
    AntiDistillationAction Action { get; }

    /// <summary>Whether the policy is in shadow mode, so <see cref="Action"/> was recorded but not applied.</summary>
    bool Shadow { get; }

    /// <summary>
    /// Reports the tokens the request really cost (input and output, e.g. the model's <c>usage</c>), so that a
    /// throttled request's estimate is corrected in the rate limiter after the response. Ignored otherwise.
    /// </summary>
    void ReportUsage(long totalTokens);
}
