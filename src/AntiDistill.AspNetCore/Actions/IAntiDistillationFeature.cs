using AntiDistill.Requests;

namespace AntiDistill.AspNetCore;

/// <summary>
/// What AntiDistill concluded about the current request, on <c>HttpContext.Features</c> for endpoints,
/// proxies and logging further down the pipeline. Absent when the request was not scored.
/// </summary>
public interface IAntiDistillationFeature
{
    /// <summary>The policy the request ran under.</summary>
    string Policy { get; }

    /// <summary>How reading the body went; the assessment is meaningful only when <see cref="RequestReadStatus.Ok"/>.</summary>
    RequestReadStatus BodyStatus { get; }

    /// <summary>The format the body was read as.</summary>
    RequestFormat Format { get; }

    /// <summary>The account's assessment after this request (default when the body could not be scored).</summary>
    Assessment Assessment { get; }

    /// <summary>The action the policy's bands call for.</summary>
    AntiDistillationAction Action { get; }

    /// <summary>Whether the policy is in shadow mode, so <see cref="Action"/> was recorded but not applied.</summary>
    bool Shadow { get; }

    /// <summary>
    /// Reports the tokens the request really cost (input and output, e.g. the model's <c>usage</c>), so that a
    /// throttled request's estimate is corrected in the rate limiter after the response. Ignored otherwise.
    /// </summary>
    void ReportUsage(long totalTokens);
}
