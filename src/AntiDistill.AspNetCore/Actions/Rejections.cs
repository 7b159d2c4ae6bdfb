using System.Globalization;
using System.Net.Mime;
using System.Text.Json;
using AntiDistill.Requests;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace AntiDistill.AspNetCore;

/// <summary>
/// Writes refusals as RFC 9457 problems through <see cref="IProblemDetailsService"/>, or in the caller's API dialect
/// (<see cref="DialectErrors"/>), after the host's <c>OnRejected</c> hook.
/// </summary>
internal sealed class Rejections(IProblemDetailsService problems)
{
    private const string TypeBase = "https://antidistill.dev/problems/";

    public static ProblemDetails Throttled() => Problem(StatusCodes.Status429TooManyRequests, "throttled", "Too many requests",
        "This account is sending requests faster than its current limit allows. Retry after the indicated delay.");

    public static ProblemDetails Challenged(Uri? verificationUrl)
    {
        var problem = Problem(StatusCodes.Status403Forbidden, "verification-required", "Account verification required",
            "Requests from this account need additional verification before they can be served.");
        if (verificationUrl is not null)
        {
            problem.Extensions["verification_url"] = verificationUrl.AbsoluteUri;
        }

        return problem;
    }

    public static ProblemDetails Blocked() => Problem(StatusCodes.Status403Forbidden, "blocked", "Request blocked",
        "Requests from this account are not being served. Contact support if you believe this is a mistake.");

    public static ProblemDetails BadBody(RequestReadStatus status) => Problem(
        status == RequestReadStatus.TooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest, "invalid-body", "Invalid request body",
        status switch
        {
            RequestReadStatus.NotJson => "The request body is not well-formed UTF-8 JSON.",
            RequestReadStatus.TooLarge => "The request body is larger than this endpoint accepts.",
            _ => "The request body is not a chat completions, responses or messages request.",
        });

    public static ProblemDetails MissingCredential() => Problem(StatusCodes.Status401Unauthorized, "credential-required", "Credential required",
        "This endpoint serves only authenticated callers. Send an API key.");

    public static ProblemDetails ConflictingCredentials() => Problem(StatusCodes.Status400BadRequest, "conflicting-credentials", "Conflicting credentials",
        "The request carries two different API keys. Send one.");

    /// <remarks>
    /// <c>format</c> is the body to write: <see cref="RejectionFormat.ProblemDetails"/>, <see cref="RejectionFormat.OpenAI"/> or
    /// <see cref="RejectionFormat.Anthropic"/> (already resolved from <see cref="RejectionFormat.MatchRequest"/>).
    /// </remarks>
    public async Task RejectAsync(HttpContext context, RejectionReason reason, ProblemDetails problem, TimeSpan? retryAfter,
        AntiDistillationHttpOptions options, RejectionFormat format = RejectionFormat.ProblemDetails)
    {
        var response = context.Response;
        if (options.OnRejected is { } hook)
        {
            var rejected = new AntiDistillationRejectedContext(context, reason, problem, retryAfter);
            await hook(rejected, context.RequestAborted).ConfigureAwait(false);
            if (response.HasStarted)
            {
                return;
            }

            retryAfter = rejected.RetryAfter;
        }

        response.StatusCode = problem.Status ?? StatusCodes.Status403Forbidden;
        if (retryAfter is { } delay)
        {
            response.Headers.RetryAfter = ((long)Math.Ceiling(Math.Max(1, delay.TotalSeconds))).ToString(CultureInfo.InvariantCulture);
        }

        if (format is RejectionFormat.OpenAI or RejectionFormat.Anthropic)
        {
            await DialectErrors.WriteAsync(response, format, reason, problem, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        problem.Instance ??= context.Request.Path;
        if (!await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).ConfigureAwait(false))
        {
            // The client's Accept ruled problem+json out of the service's writers: send it anyway, the status says it all.
            response.ContentType = "application/problem+json";
            await JsonSerializer.SerializeAsync(response.Body, problem, RejectionJsonContext.Default.ProblemDetails, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static ProblemDetails Problem(int status, string type, string title, string detail) => new()
    {
        Status = status,
        Type = TypeBase + type,
        Title = title,
        Detail = detail,
    };
}
