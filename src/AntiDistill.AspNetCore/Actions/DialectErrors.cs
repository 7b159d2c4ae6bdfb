using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace AntiDistill.AspNetCore;

/// <summary>
/// Refusals in the error shape of the caller's API, which its SDK parses into a typed error: OpenAI's
/// <c>{"error":{"message","type","param","code"}}</c> and Anthropic's <c>{"type":"error","error":{"type","message"}}</c>.
/// The message is the problem's detail (after the host's <c>OnRejected</c> hook, which may have changed it).
/// </summary>
internal static class DialectErrors
{
    public static async Task WriteAsync(HttpResponse response, RejectionFormat format, RejectionReason reason, ProblemDetails problem, CancellationToken cancellationToken)
    {
        response.ContentType = "application/json";
        string message = Message(problem);
        int status = response.StatusCode;
        await using (var json = new Utf8JsonWriter(response.BodyWriter))
        {
            json.WriteStartObject();
            if (format == RejectionFormat.Anthropic)
            {
                json.WriteString("type", "error");
                json.WriteStartObject("error");
                json.WriteString("type", AnthropicType(status));
                json.WriteString("message", message);
            }
            else
            {
                json.WriteStartObject("error");
                json.WriteString("message", message);
                json.WriteString("type", reason == RejectionReason.Throttled ? "requests" : "invalid_request_error");
                json.WriteNull("param");
                json.WriteString("code", OpenAICode(reason, status));
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        await response.BodyWriter.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Message(ProblemDetails problem)
    {
        string message = problem.Detail ?? problem.Title ?? "The request was refused.";
        return problem.Extensions.TryGetValue("verification_url", out var url) && url is not null ? $"{message} Verify the account at {url}." : message;
    }

    /// <summary>Anthropic's documented error types, by status (its SDKs pick the exception class from the status too).</summary>
    private static string AnthropicType(int status) => status switch
    {
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        529 => "overloaded_error",
        >= 500 => "api_error",
        _ => "invalid_request_error",
    };

    private static string OpenAICode(RejectionReason reason, int status) => reason switch
    {
        RejectionReason.Throttled => "rate_limit_exceeded",
        RejectionReason.Challenged => "account_verification_required",
        RejectionReason.Blocked => "account_blocked",
        RejectionReason.BadBody => status == StatusCodes.Status413PayloadTooLarge ? "request_too_large" : "invalid_request_body",
        RejectionReason.MissingCredential => "missing_api_key",
        RejectionReason.ConflictingCredentials => "conflicting_api_keys",
        _ => "request_refused",
    };
}
