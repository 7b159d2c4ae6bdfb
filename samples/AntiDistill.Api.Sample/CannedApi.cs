using System.Diagnostics;
using System.Text;
using System.Text.Json;
using AntiDistill.AspNetCore;

namespace AntiDistill.Api.Sample;

/// <summary>
/// A stand-in for a model server: OpenAI Chat Completions, OpenAI Responses and Anthropic Messages endpoints that
/// read the request body like a real one would and answer with a canned completion, streamed (SSE) on request.
/// </summary>
public static class CannedApi
{
    private const string Answer = "This is a canned answer from the AntiDistill sample.";
    private const int PromptTokens = 32;
    private const int CompletionTokens = 12;

    /// <summary>Maps the three endpoints under <c>/v1</c> and returns the group for further conventions.</summary>
    /// <param name="endpoints">Where to map them.</param>
    /// <param name="work">
    /// CPU time each request spends after reading its body, a stand-in for a real server's own work (authentication,
    /// logging, the call to the model): <c>benchmarks/wrk/run.sh</c> measures the middleware against endpoints of
    /// several costs, since its share of a request depends on what the rest of the request costs. None by default.
    /// </param>
    /// <param name="streamChunks">
    /// When positive, a streamed chat completion is this many content chunks (one flush each) and a final usage chunk, as
    /// a long answer streams from a model server: <c>benchmarks/gateway/run.sh</c> measures observing 1,000-chunk streams.
    /// </param>
    public static RouteGroupBuilder MapCannedApi(this IEndpointRouteBuilder endpoints, TimeSpan work = default, int streamChunks = 0)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        long workTicks = (long)(work.TotalSeconds * Stopwatch.Frequency);
        var v1 = endpoints.MapGroup("/v1");
        v1.MapPost("/chat/completions", (RequestDelegate)(context => streamChunks > 0
            ? LongChatCompletionsAsync(context, workTicks, streamChunks)
            : ChatCompletionsAsync(context, workTicks)));
        v1.MapPost("/responses", (RequestDelegate)(context => ResponsesAsync(context, workTicks)));
        v1.MapPost("/messages", (RequestDelegate)(context => MessagesAsync(context, workTicks)));
        return v1;
    }

    private static async Task ChatCompletionsAsync(HttpContext context, long workTicks)
    {
        var request = await ReadAsync(context, workTicks, ApiFormat.OpenAI).ConfigureAwait(false);
        if (request is null)
        {
            return;
        }

        if (request.Value.Stream)
        {
            await StreamAsync(context,
                ("", $$$"""{"id":"chatcmpl-1","object":"chat.completion.chunk","model":"{{{request.Value.Model}}}","choices":[{"index":0,"delta":{"role":"assistant","content":"{{{Answer}}}"}}]}"""),
                ("", $$$"""{"id":"chatcmpl-1","object":"chat.completion.chunk","model":"{{{request.Value.Model}}}","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"""),
                ("", "[DONE]")).ConfigureAwait(false);
            return;
        }

        await WriteJsonAsync(context, $$$"""
            {"id":"chatcmpl-1","object":"chat.completion","model":"{{{request.Value.Model}}}","choices":[{"index":0,"message":{"role":"assistant","content":"{{{Answer}}}"},"finish_reason":"stop"}],"usage":{"prompt_tokens":{{{PromptTokens}}},"completion_tokens":{{{CompletionTokens}}},"total_tokens":{{{PromptTokens + CompletionTokens}}}},"max_tokens_seen":{{{request.Value.MaxTokens}}},"reasoning_seen":{{{Bool(request.Value.Reasoning)}}}}
            """).ConfigureAwait(false);
    }

    /// <summary>A chat completion that streams <paramref name="chunks"/> content deltas, then usage (JSON answers as usual).</summary>
    private static async Task LongChatCompletionsAsync(HttpContext context, long workTicks, int chunks)
    {
        var request = await ReadAsync(context, workTicks, ApiFormat.OpenAI).ConfigureAwait(false);
        if (request is null)
        {
            return;
        }

        if (!request.Value.Stream)
        {
            await WriteJsonAsync(context, $$$"""
                {"id":"chatcmpl-1","object":"chat.completion","model":"{{{request.Value.Model}}}","choices":[{"index":0,"message":{"role":"assistant","content":"{{{Answer}}}"},"finish_reason":"stop"}],"usage":{"prompt_tokens":{{{PromptTokens}}},"completion_tokens":{{{chunks}}},"total_tokens":{{{PromptTokens + chunks}}}}}
                """).ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        byte[] delta = Encoding.UTF8.GetBytes($$$"""data: {"id":"chatcmpl-1","object":"chat.completion.chunk","model":"{{{request.Value.Model}}}","choices":[{"index":0,"delta":{"content":"word "}}]}""" + "\n\n");
        for (int i = 0; i < chunks; i++)
        {
            await context.Response.Body.WriteAsync(delta, context.RequestAborted).ConfigureAwait(false);
            await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        }

        string usage = $$$"""data: {"id":"chatcmpl-1","object":"chat.completion.chunk","model":"{{{request.Value.Model}}}","choices":[],"usage":{"prompt_tokens":{{{PromptTokens}}},"completion_tokens":{{{chunks}}},"total_tokens":{{{PromptTokens + chunks}}}}}""";
        await context.Response.WriteAsync(usage + "\n\ndata: [DONE]\n\n", context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task ResponsesAsync(HttpContext context, long workTicks)
    {
        var request = await ReadAsync(context, workTicks, ApiFormat.OpenAI).ConfigureAwait(false);
        if (request is null)
        {
            return;
        }

        if (request.Value.Stream)
        {
            await StreamAsync(context,
                ("response.output_text.delta", $$$"""{"type":"response.output_text.delta","delta":"{{{Answer}}}"}"""),
                ("response.completed", """{"type":"response.completed"}""")).ConfigureAwait(false);
            return;
        }

        await WriteJsonAsync(context, $$$"""
            {"id":"resp_1","object":"response","model":"{{{request.Value.Model}}}","output":[{"type":"message","role":"assistant","content":[{"type":"output_text","text":"{{{Answer}}}"}]}],"usage":{"input_tokens":{{{PromptTokens}}},"output_tokens":{{{CompletionTokens}}},"total_tokens":{{{PromptTokens + CompletionTokens}}}},"max_tokens_seen":{{{request.Value.MaxTokens}}},"reasoning_seen":{{{Bool(request.Value.Reasoning)}}}}
            """).ConfigureAwait(false);
    }

    private static async Task MessagesAsync(HttpContext context, long workTicks)
    {
        var request = await ReadAsync(context, workTicks, ApiFormat.Anthropic).ConfigureAwait(false);
        if (request is null)
        {
            return;
        }

        if (request.Value.Stream)
        {
            await StreamAsync(context,
                ("message_start", $$$"""{"type":"message_start","message":{"id":"msg_1","model":"{{{request.Value.Model}}}","role":"assistant","content":[]}}"""),
                ("content_block_delta", $$$"""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"{{{Answer}}}"}}"""),
                ("message_stop", """{"type":"message_stop"}""")).ConfigureAwait(false);
            return;
        }

        await WriteJsonAsync(context, $$$"""
            {"id":"msg_1","type":"message","role":"assistant","model":"{{{request.Value.Model}}}","content":[{"type":"text","text":"{{{Answer}}}"}],"stop_reason":"end_turn","usage":{"input_tokens":{{{PromptTokens}}},"output_tokens":{{{CompletionTokens}}}},"max_tokens_seen":{{{request.Value.MaxTokens}}},"reasoning_seen":{{{Bool(request.Value.Reasoning)}}}}
            """).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the body as a model server would (the middleware must have left it readable); 400 in the API's own error
    /// shape when it is not a JSON object or a field has the wrong type, as the real APIs answer, never a 500.
    /// </summary>
    private static async Task<CannedRequest?> ReadAsync(HttpContext context, long workTicks, ApiFormat format)
    {
        string? error;
        string? param = null;
        try
        {
            // No RequestAborted: Kestrel's body reader is left "reading" by a read cancelled through the token, and its
            // drain at the end of the request then logs "Reading is already in progress"; a departing client ends the read anyway.
            using var document = await JsonDocument.ParseAsync(context.Request.Body).ConfigureAwait(false);
            Work(workTicks);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "The body is not a JSON object.";
            }
            else if (CannedRequestFields.TryReadMaxTokens(root, out long maxTokens, out error, out param))
            {
                return new CannedRequest(
                    root.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String ? JsonEncodedText.Encode(model.GetString()!).ToString() : "canned",
                    root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True,
                    maxTokens,
                    root.TryGetProperty("reasoning_effort", out _) || root.TryGetProperty("reasoning", out _) || root.TryGetProperty("thinking", out _));
            }
        }
        catch (JsonException)
        {
            error = "The body is not valid JSON.";
        }
        catch (InvalidOperationException)
        {
            // JsonDocument accepts an escaped lone surrogate that GetString cannot turn into a string (in "model").
            error = "A string in the body is not valid Unicode text.";
            param = null;
        }

        await CannedRequestFields.InvalidRequestAsync(context, format, error!, param).ConfigureAwait(false);
        return null;
    }

    private static void Work(long ticks)
    {
        if (ticks <= 0)
        {
            return;
        }

        long until = Stopwatch.GetTimestamp() + ticks;
        while (Stopwatch.GetTimestamp() < until)
        {
        }
    }

    private static string Bool(bool value) => value ? "true" : "false";

    private static Task WriteJsonAsync(HttpContext context, string json)
    {
        // What a gateway does with the model's usage: tell AntiDistill, so throttled accounts are charged the real cost.
        context.Features.Get<IAntiDistillationFeature>()?.ReportUsage(PromptTokens + CompletionTokens);
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(json.Trim(), context.RequestAborted);
    }

    private static async Task StreamAsync(HttpContext context, params (string Event, string Data)[] events)
    {
        context.Features.Get<IAntiDistillationFeature>()?.ReportUsage(PromptTokens + CompletionTokens);
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        foreach (var (name, data) in events)
        {
            string frame = name.Length == 0 ? $"data: {data}\n\n" : $"event: {name}\ndata: {data}\n\n";
            await context.Response.WriteAsync(frame, context.RequestAborted).ConfigureAwait(false);
            await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        }
    }

    private readonly record struct CannedRequest(string Model, bool Stream, long MaxTokens, bool Reasoning);
}
