namespace AntiDistill.AspNetCore;

/// <summary>
/// The body a refusal is written as (<see cref="AntiDistillationPolicy.RejectionFormat"/>). SDK clients parse their own
/// API's error shape, not RFC 9457; the status code and <c>Retry-After</c> are the same in every format.
/// </summary>
public enum RejectionFormat
{
    /// <summary><c>application/problem+json</c> (RFC 9457) through <c>IProblemDetailsService</c>. The default.</summary>
    ProblemDetails = 0,

    /// <summary>The error shape of the request's API: OpenAI's for chat completions and responses, Anthropic's for messages; problem details when the format is unknown.</summary>
    MatchRequest = 1,

    /// <summary>OpenAI's <c>{"error":{"message","type","param","code"}}</c>.</summary>
    OpenAI = 2,

    /// <summary>Anthropic's <c>{"type":"error","error":{"type","message"}}</c>.</summary>
    Anthropic = 3,
}
