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

    /// <summary>
    /// The name of the handler for <see cref="Action"/>: the built-in action's name in lower case (<c>throttle</c>, as in
    /// the metrics' <c>antidistill.action</c> tag), or the name a host's handler is registered under (<see cref="AntiDistillationAction.Custom"/>).
    /// </summary>
    string ActionName { get; }

    /// <summary>Whether the policy is in shadow mode, so <see cref="Action"/> was recorded but not applied.</summary>
    bool Shadow { get; }

    /// <summary>Whether the policy withholds reasoning from this request (see <see cref="RiskBand.WithholdReasoning"/>); false in shadow mode.</summary>
    bool WithholdsReasoning { get; }

    /// <summary>
    /// What the response served (usage, reasoning, status, reasoning withheld), as read from it when it completed, or as
    /// reported by <see cref="ReportUsage(int, int, int)"/>; null until the response completes, and for requests that were
    /// refused or not scored.
    /// </summary>
    ServedExchange? Served { get; }

    /// <summary>How reading the response went; <see cref="ResponseReadStatus.NotRead"/> until it completes.</summary>
    ResponseReadStatus ResponseStatus { get; }

    /// <summary>
    /// Reports the tokens the request really cost (input and output, e.g. the model's <c>usage</c>), so that a
    /// throttled request's estimate is corrected in the rate limiter after the response. The middleware reads usage from
    /// OpenAI and Anthropic responses itself; a report wins over what it read. Ignored for requests not throttled.
    /// </summary>
    void ReportUsage(long totalTokens);

    /// <summary>
    /// Reports what the request really served, for a response format the middleware does not read: settles a throttled
    /// request with <paramref name="inputTokens"/> + <paramref name="outputTokens"/>, and is what the engine learns was
    /// served (instead of what the middleware read). Negative counts read as 0.
    /// </summary>
    void ReportUsage(int inputTokens, int outputTokens, int reasoningTokens);
}
