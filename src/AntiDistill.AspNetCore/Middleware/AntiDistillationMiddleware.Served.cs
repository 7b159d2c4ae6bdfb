using AntiDistill.RateLimiting;
using AntiDistill.Requests;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.ObjectPool;

namespace AntiDistill.AspNetCore;

/// <summary>The served half: the response observed as it streams, then what it served reported to the engine and the limiter.</summary>
internal sealed partial class AntiDistillationMiddleware
{
    // Enough for the streams a busy node keeps open at once; beyond it an instance is made and dropped (a few hundred bytes).
    private readonly DefaultObjectPool<ServedResponseBody> _bodies = new(new DefaultPooledObjectPolicy<ServedResponseBody>(), 1024);

    /// <summary>Runs the endpoint with its response observed; without an async state machine when the endpoint completes at once.</summary>
    private Task Serve(HttpContext context, string name, AntiDistillationFeature feature)
    {
        var body = _bodies.Get();
        body.Attach(context, feature.Format, feature.WithholdsReasoning);
        Task next;
        try
        {
            next = _next(context);
        }
        catch
        {
            Served(context, name, feature, body, faulted: true);
            throw;
        }

        if (next.IsCompletedSuccessfully)
        {
            Served(context, name, feature, body, faulted: false);
            return Task.CompletedTask;
        }

        return AwaitServedAsync(next, context, name, feature, body);
    }

    private async Task AwaitServedAsync(Task next, HttpContext context, string name, AntiDistillationFeature feature, ServedResponseBody body)
    {
        bool faulted = true;
        try
        {
            await next.ConfigureAwait(false);
            faulted = false;
        }
        finally
        {
            Served(context, name, feature, body, faulted);
        }
    }

    /// <summary>Runs a throttled request's endpoint, then settles its estimate with what it served (reported, else read from the response).</summary>
    private async Task ServeAsync(HttpContext context, string name, AntiDistillationFeature feature, RiskPartitionKey lease)
    {
        var body = _bodies.Get();
        body.Attach(context, feature.Format, feature.WithholdsReasoning);
        long? used = null;
        bool faulted = true;
        try
        {
            await _next(context).ConfigureAwait(false);
            faulted = false;
        }
        finally
        {
            used = Served(context, name, feature, body, faulted);
        }

        if (used is { } tokens)
        {
            // A response cut short (a client that leaves before the final usage, a broken stream) is never a refund:
            // what it showed counts only above the estimate, or a harvester could drop every stream at its last event.
            if (feature.ReportedUsage is null && feature.ResponseStatus != ResponseReadStatus.Ok)
            {
                tokens = Math.Max(tokens, lease.TokensPerPermit);
            }

            await _throttle.SettleAsync(lease, tokens, name).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The response has ended: what it served goes on the feature, to the engine and to the metrics; returns the tokens
    /// to settle a throttled request with (the endpoint's report wins; null when neither it nor the response told).
    /// </summary>
    private long? Served(HttpContext context, string name, AntiDistillationFeature feature, ServedResponseBody body, bool faulted)
    {
        var response = context.Response;
        // Through the feature: HttpContext.RequestAborted makes a lifetime feature for a context without one (Kestrel's has it).
        bool aborted = context.Features.Get<IHttpRequestLifetimeFeature>()?.RequestAborted.IsCancellationRequested ?? false;
        var status = body.Detach(aborted, out var scan);
        _bodies.Return(body);

        var served = feature.SetServed(faulted && !response.HasStarted ? StatusCodes.Status500InternalServerError : response.StatusCode, scan);
        feature.ResponseStatus = status;
        _engine.ObserveServed(served);
        if (feature.Capture is { } captured)
        {
            feature.Capture = null;
            _capture!.Complete(captured, served);
        }

        _metrics.Response(name, feature.Format, status);
        if (served.ReasoningTokensWithheld > 0)
        {
            _metrics.ReasoningWithheld(name, feature.Format, served.ReasoningTokensWithheld);
        }

        return feature.ReportedUsage ?? (scan.SawUsage ? (long)scan.InputTokens + scan.OutputTokens : null);
    }

    /// <summary>Queues the capture record of a scored request that is refused: it has no served half (the engine is told none).</summary>
    private void CaptureRefused(AntiDistillationFeature feature)
    {
        if (feature.Capture is { } captured)
        {
            feature.Capture = null;
            _capture!.CompleteRefused(captured);
        }
    }

    /// <summary>Has the endpoint read the Anthropic request with thinking turned off, budgets as sent.</summary>
    private void WithholdThinking(HttpContext context, ReadOnlySpan<byte> body, string name)
    {
        var output = new PooledBufferWriter(body.Length);
        try
        {
            if (DegradeRewriter.TryRemoveReasoning(body, RequestFormat.AnthropicMessages, output))
            {
                int written = output.Written;
                BufferedBody.Replace(context, output.Detach(), written);
                _metrics.ThinkingWithheld(name);
            }
        }
        finally
        {
            output.Dispose();
        }
    }

    /// <summary>The body a refusal is written as: the policy's format, <see cref="RejectionFormat.MatchRequest"/> resolved from the request.</summary>
    private RejectionFormat RejectionFormatFor(HttpContext context, AntiDistillationPolicy policy)
    {
        if (policy.RejectionFormat != RejectionFormat.MatchRequest)
        {
            return policy.RejectionFormat;
        }

        var format = context.Features.Get<IAntiDistillationFeature>()?.Format ?? RequestFormat.Unknown;
        if (format == RequestFormat.Unknown)
        {
            // Refused before its body was read (no credential, two keys): the path tells the API.
            var path = (context.Request.Path.Value ?? string.Empty).AsSpan();
            foreach (var reader in _formats)
            {
                if (reader.MatchesPath(path))
                {
                    format = reader.Format;
                    break;
                }
            }
        }

        return format switch
        {
            RequestFormat.OpenAIChatCompletions or RequestFormat.OpenAIResponses => RejectionFormat.OpenAI,
            RequestFormat.AnthropicMessages => RejectionFormat.Anthropic,
            _ => RejectionFormat.ProblemDetails,
        };
    }
}
