using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AntiDistill.Gateway.Tests;

/// <summary>
/// A model server stand-in on 127.0.0.1: answers the three APIs as JSON, or as server-sent events when the body asks
/// to stream, with usage and reasoning like the real ones. The <c>x-stub</c> request header makes it fail on purpose:
/// <c>503</c> answers 503 with an error body, <c>die</c> starts a stream and aborts the connection mid-way.
/// </summary>
internal sealed class StubUpstream : IAsyncDisposable
{
    public const int OutputTokens = 1800;
    public const int ReasoningTokens = 1200;

    private readonly WebApplication _app;
    private int _requests;

    private StubUpstream(WebApplication app) => _app = app;

    /// <summary>Requests that reached the upstream (the gateway let them through).</summary>
    public int Requests => Volatile.Read(ref _requests);

    public Uri Address { get; private set; } = null!;

    public static async Task<StubUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var stub = new StubUpstream(app);
        app.MapPost("/v1/chat/completions", context => stub.AnswerAsync(context, Chat));
        app.MapPost("/v1/responses", context => stub.AnswerAsync(context, Responses));
        app.MapPost("/v1/messages", context => stub.AnswerAsync(context, Messages));
        app.MapGet("/v1/models/{**rest}", () => Results.Json(new { data = new[] { new { id = "m-large" } } }));
        await app.StartAsync();
        stub.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        return stub;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task AnswerAsync(HttpContext context, Func<bool, string[]> answer)
    {
        Interlocked.Increment(ref _requests);
        using var body = await JsonDocument.ParseAsync(context.Request.Body);
        bool stream = body.RootElement.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        string mode = context.Request.Headers["x-stub"].ToString();
        if (mode == "503")
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await context.Response.WriteAsJsonAsync(new { error = new { message = "overloaded", type = "overloaded_error" } });
            return;
        }

        var parts = answer(stream);
        if (!stream)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(parts[0]);
            return;
        }

        context.Response.ContentType = "text/event-stream";
        for (int i = 0; i < parts.Length; i++)
        {
            if (mode == "die" && i == parts.Length / 2)
            {
                // Let the gateway read what was sent: an abort resets the connection, and a reset can discard
                // bytes the peer has not read yet, which would turn "died mid-stream" into "never answered".
                await Task.Delay(300);
                context.Abort();
                return;
            }

            await context.Response.WriteAsync(parts[i]);
            await context.Response.Body.FlushAsync();
        }
    }

    private static string Sse(string data, string? name = null) => (name is null ? "" : $"event: {name}\n") + $"data: {data}\n\n";

    /// <summary>Chat Completions: reasoning_content deltas (vLLM, DeepSeek), the answer, then the usage chunk of stream_options.include_usage.</summary>
    private static string[] Chat(bool stream)
    {
        string usage = $$$"""{"prompt_tokens":40,"completion_tokens":{{{OutputTokens}}},"total_tokens":{{{OutputTokens + 40}}},"completion_tokens_details":{"reasoning_tokens":{{{ReasoningTokens}}}}}""";
        if (!stream)
        {
            return [$$"""{"id":"c1","object":"chat.completion","model":"m-large","choices":[{"index":0,"message":{"role":"assistant","reasoning_content":"Let me think this through.","content":"Paris."},"finish_reason":"stop"}],"usage":{{usage}}}"""];
        }

        var parts = new List<string> { Sse("""{"id":"c1","object":"chat.completion.chunk","model":"m-large","choices":[{"index":0,"delta":{"role":"assistant"}}]}""") };
        for (int i = 0; i < 20; i++)
        {
            parts.Add(Sse($$$"""{"id":"c1","object":"chat.completion.chunk","model":"m-large","choices":[{"index":0,"delta":{"reasoning_content":"step {{{i}}} "}}]}"""));
        }

        parts.Add(Sse("""{"id":"c1","object":"chat.completion.chunk","model":"m-large","choices":[{"index":0,"delta":{"content":"Paris."},"finish_reason":"stop"}]}"""));
        parts.Add(Sse($$"""{"id":"c1","object":"chat.completion.chunk","model":"m-large","choices":[],"usage":{{usage}}}"""));
        parts.Add(Sse("[DONE]"));
        return [.. parts];
    }

    /// <summary>Responses: a reasoning item with a summary, the message, and response.completed with usage.</summary>
    private static string[] Responses(bool stream)
    {
        string usage = $$"""{"input_tokens":40,"output_tokens":{{OutputTokens}},"output_tokens_details":{"reasoning_tokens":{{ReasoningTokens}}},"total_tokens":{{OutputTokens + 40}}}""";
        const string output = """[{"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"Thought about capitals."}]},{"type":"message","id":"msg_1","role":"assistant","content":[{"type":"output_text","text":"Paris."}]}]""";
        if (!stream)
        {
            return [$$"""{"id":"resp_1","object":"response","status":"completed","output":{{output}},"usage":{{usage}}}"""];
        }

        return
        [
            Sse("""{"type":"response.created","response":{"id":"resp_1","object":"response","status":"in_progress","output":[]}}""", "response.created"),
            Sse("""{"type":"response.reasoning_summary_text.delta","item_id":"rs_1","output_index":0,"summary_index":0,"delta":"Thought about capitals."}""", "response.reasoning_summary_text.delta"),
            Sse("""{"type":"response.output_text.delta","item_id":"msg_1","output_index":1,"content_index":0,"delta":"Paris."}""", "response.output_text.delta"),
            Sse($$$"""{"type":"response.completed","response":{"id":"resp_1","object":"response","status":"completed","output":{{{output}}},"usage":{{{usage}}}}}""", "response.completed"),
        ];
    }

    /// <summary>Messages: message_start with input usage, a thinking block, a text block, message_delta with output usage.</summary>
    private static string[] Messages(bool stream)
    {
        if (!stream)
        {
            return [$$$"""{"id":"msg_1","type":"message","role":"assistant","model":"m-large","content":[{"type":"thinking","thinking":"Capitals...","signature":"sig"},{"type":"text","text":"Paris."}],"stop_reason":"end_turn","usage":{"input_tokens":40,"output_tokens":{{{OutputTokens}}}}}"""];
        }

        return
        [
            Sse("""{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m-large","content":[],"usage":{"input_tokens":40,"output_tokens":1}}}""", "message_start"),
            Sse("""{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}}""", "content_block_start"),
            Sse("""{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Capitals..."}}""", "content_block_delta"),
            Sse("""{"type":"content_block_stop","index":0}""", "content_block_stop"),
            Sse("""{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}""", "content_block_start"),
            Sse("""{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Paris."}}""", "content_block_delta"),
            Sse("""{"type":"content_block_stop","index":1}""", "content_block_stop"),
            Sse($$$"""{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":{{{OutputTokens}}}}}""", "message_delta"),
            Sse("""{"type":"message_stop"}""", "message_stop"),
        ];
    }

    /// <summary>The whole stream the stub sends for a format, to compare with what a client received.</summary>
    public static string Expected(string path, bool stream) => string.Concat(path switch
    {
        "/v1/chat/completions" => Chat(stream),
        "/v1/responses" => Responses(stream),
        _ => Messages(stream),
    });
}
