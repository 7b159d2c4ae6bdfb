using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using AntiDistill.AspNetCore;
using AntiDistill.Requests;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AntiDistill.Benchmarks;

/// <summary>
/// The middleware's cost per request, in-process and without sockets: the real pipeline of a built
/// <see cref="WebApplication"/> (forwarded headers, routing, the middleware, an endpoint that drains the body)
/// invoked on a <see cref="DefaultHttpContext"/> carrying the requests of <c>benchmarks/wrk/chat.lua</c>, each body
/// whole in a request pipe as Kestrel holds a small body that has arrived
/// (~1 KiB chat body, system prompt and 3 messages, 500 API keys as bearer tokens, the sample's shadow policy).
/// <see cref="WithoutScoring"/> is the same app without <c>UseAntiDistillation</c>: the difference between the two
/// is what scoring adds to a request (the engine's <c>Observe</c>, and observing the endpoint's JSON answer with its usage
/// and telling the engine what was served, included), in time and in bytes.
/// </summary>
/// <remarks>
/// <see cref="WithScoring"/> runs with linkage off: it runs on the host's background timer, not on the request path.
/// <see cref="WithScoringAndLinkage"/> runs it on, and links the queued requests every 256 requests on the benchmark's
/// own thread, so its difference to <see cref="WithScoring"/> is what linkage costs a request on a server's cores
/// (the enqueue on the request path and the linker's work behind it).
/// The response feature runs the <c>OnCompleted</c> callbacks after each request as Kestrel does, so the buffered
/// body goes back to the pool as in a server.
/// </remarks>
[MemoryDiagnoser]
public class MiddlewareBenchmarks
{
    private const int Accounts = 500;
    private const string Path = "/v1/chat/completions";
    private const string SystemPrompt = "You are a helpful assistant for a software company. Answer concisely, use plain language, "
        + "prefer short paragraphs and bullet lists, and say so when you are not sure. Never invent product features; "
        + "when a question concerns pricing or contracts, point the user to the sales team instead of guessing.";

    private static readonly string[] Questions =
    [
        "Summarize the main causes of the French Revolution and how they interacted over the decade before 1789.",
        "Write a Python function that merges overlapping intervals and explain its time complexity in two sentences.",
        "What are the trade-offs between optimistic and pessimistic concurrency control in a relational database?",
        "Draft a short, friendly email to a customer explaining that their order will ship three days late.",
        "Explain how a transformer's attention mechanism scales with sequence length and name two ways to reduce it.",
        "Give me a packing list for a four-day hiking trip in the Alps in late September, with reasons for each item.",
        "How do I configure a reverse proxy to forward the client's IP address, and what headers are involved?",
        "Compare the nutritional value of lentils, chickpeas and black beans per 100 grams, in a small table.",
    ];

    [ThreadStatic]
    private static byte[]? t_drain;

    private readonly CompletingResponseFeature _response = new();
    private readonly IPAddress _address = IPAddress.Loopback;
    private (byte[] Body, string Authorization)[] _requests = [];
    private WebApplication _plain = null!;
    private WebApplication _scored = null!;
    private WebApplication _linked = null!;
    private RequestDelegate _plainPipeline = null!;
    private RequestDelegate _scoredPipeline = null!;
    private RequestDelegate _linkedPipeline = null!;
    private DistillationEngine _linkedEngine = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        // As chat.lua builds them: request i goes to account i % 500.
        _requests = new (byte[], string)[512];
        for (int i = 1; i <= _requests.Length; i++)
        {
            string question = Questions[i % Questions.Length];
            string body = "{\"model\":\"gpt-4o-mini\",\"messages\":["
                + "{\"role\":\"system\",\"content\":\"" + SystemPrompt + "\"},"
                + "{\"role\":\"user\",\"content\":\"Hi, I have a question about something I am working on today.\"},"
                + "{\"role\":\"assistant\",\"content\":\"Of course. What would you like to know?\"},"
                + "{\"role\":\"user\",\"content\":\"" + question + " (request " + i + ")\"}],"
                + "\"max_completion_tokens\":800,\"temperature\":0.7,\"stream\":false}";
            _requests[i - 1] = (Encoding.UTF8.GetBytes(body), "Bearer sk-bench-" + (i % Accounts));
        }

        (_plain, _plainPipeline) = Build(scoring: false, linkage: false);
        (_scored, _scoredPipeline) = Build(scoring: true, linkage: false);
        (_linked, _linkedPipeline) = Build(scoring: true, linkage: true);
        _linkedEngine = _linked.Services.GetRequiredService<DistillationEngine>();

        // Every account seen once and every method jitted before BenchmarkDotNet's own warm-up.
        for (int i = 0; i < 2 * _requests.Length; i++)
        {
            WithoutScoring();
            WithScoring();
            WithScoringAndLinkage();
        }

        // A benchmark of the wrong path would still print numbers: check that one variant scores (and reads the answer's
        // usage) and the other does not.
        var scored = Send(_scored, _scoredPipeline).Features.Get<IAntiDistillationFeature>();
        if (scored is not { BodyStatus: RequestReadStatus.Ok, Format: RequestFormat.OpenAIChatCompletions, Served.OutputTokens: 12 }
            || Send(_plain, _plainPipeline).Features.Get<IAntiDistillationFeature>() is not null)
        {
            throw new InvalidOperationException($"The scored pipeline did not score the request ({scored?.BodyStatus}).");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _plain.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _scored.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _linked.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public int WithoutScoring() => Invoke(_plain, _plainPipeline);

    [Benchmark]
    public int WithScoring() => Invoke(_scored, _scoredPipeline);

    [Benchmark]
    public int WithScoringAndLinkage()
    {
        int status = Invoke(_linked, _linkedPipeline);
        if ((_next & 255) == 0)
        {
            _linkedEngine.ProcessLinkage();
        }

        return status;
    }

    private static (WebApplication App, RequestDelegate Pipeline) Build(bool scoring, bool linkage)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();

        // The sample's appsettings.json default policy, as run.sh starts it (shadow mode, logging at Warning).
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AntiDistillation:IdentityKey"] = "c2FtcGxlLWtleS1ub3QtYS1zZWNyZXQtcmVwbGFjZS1tZQ==",
            ["AntiDistillation:Linkage:Enabled"] = linkage ? "true" : "false",
            ["AntiDistillation:Http:DefaultPolicy"] = "default",
            ["AntiDistillation:Http:MaxBodyBytes"] = "4194304",
            ["AntiDistillation:Http:ApiKeyHeader"] = "x-api-key",
            ["AntiDistillation:Http:BearerApiKey"] = "true",
            ["AntiDistillation:Http:TlsFingerprintHeader"] = "x-ja4",
            ["AntiDistillation:Http:Policies:default:Shadow"] = "true",
            ["AntiDistillation:Http:Policies:default:BadBody"] = "Allow",
            ["AntiDistillation:Http:Policies:default:Bands:0:MinRisk"] = "0.5",
            ["AntiDistillation:Http:Policies:default:Bands:0:Action"] = "Throttle",
            ["AntiDistillation:Http:Policies:default:Bands:1:MinRisk"] = "0.9",
            ["AntiDistillation:Http:Policies:default:Bands:1:Action"] = "Challenge",
        });
        builder.Services.AddAntiDistillation(builder.Configuration.GetSection("AntiDistillation")).AddAspNetCore();
        var app = builder.Build();

        app.UseForwardedHeaders();
        app.UseRouting();
        if (scoring)
        {
            app.UseAntiDistillation();
        }

        app.MapPost(Path, (RequestDelegate)DrainAsync);
        app.UseEndpoints(_ => { });
        return (app, ((IApplicationBuilder)app).Build());
    }

    /// <summary>The sample's canned chat answer with its usage: what the scored variant's response observer reads.</summary>
    private static readonly byte[] Answer = Encoding.UTF8.GetBytes(
        "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":"
        + "{\"role\":\"assistant\",\"content\":\"This is a canned answer from the AntiDistill sample.\"},\"finish_reason\":\"stop\"}],"
        + "\"usage\":{\"prompt_tokens\":32,\"completion_tokens\":12,\"total_tokens\":44}}");

    // The endpoint reads the whole body and writes a JSON answer with usage, as the sample's canned API does (both
    // variants pay the same for that; the scored one also observes the answer, as every served response is).
    private static async Task DrainAsync(HttpContext context)
    {
        var buffer = t_drain ??= new byte[4096];
        while (await context.Request.Body.ReadAsync(buffer, context.RequestAborted).ConfigureAwait(false) > 0)
        {
        }

        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(Answer, context.RequestAborted).ConfigureAwait(false);
    }

    private int Invoke(WebApplication app, RequestDelegate pipeline) => Send(app, pipeline).Response.StatusCode;

    private DefaultHttpContext Send(WebApplication app, RequestDelegate pipeline)
    {
        var (body, authorization) = _requests[_next++ & 511];
        var context = new DefaultHttpContext();
        _response.Reset();
        context.Features.Set<IHttpResponseFeature>(_response);
        context.RequestServices = app.Services;
        var request = context.Request;
        request.Method = HttpMethods.Post;
        request.Scheme = "http";
        request.Host = new HostString("127.0.0.1", 5182);
        request.Path = Path;
        request.ContentType = "application/json";
        request.ContentLength = body.Length;
        request.Headers.Authorization = authorization;
        request.Headers.UserAgent = "bench-client/1.0";

        // As Kestrel hands over a small body: already whole in the server's pipe, the stream reading through that pipe.
        var reader = PipeReader.Create(new ReadOnlySequence<byte>(body));
        context.Features.Set<IRequestBodyPipeFeature>(new BodyPipeFeature(reader));
        request.Body = reader.AsStream();
        context.Connection.RemoteIpAddress = _address;

        pipeline(context).GetAwaiter().GetResult();
        _response.Complete();
        return context;
    }

    private sealed class BodyPipeFeature(PipeReader reader) : IRequestBodyPipeFeature
    {
        public PipeReader Reader => reader;
    }

    /// <summary>Runs the <c>OnCompleted</c> callbacks (e.g. <c>RegisterForDispose</c>) when the request ends, as a server does.</summary>
    private sealed class CompletingResponseFeature : HttpResponseFeature
    {
        private readonly List<(Func<object, Task> Callback, object State)> _completed = [];

        public override void OnCompleted(Func<object, Task> callback, object state) => _completed.Add((callback, state));

        public void Complete()
        {
            for (int i = _completed.Count - 1; i >= 0; i--)
            {
                _completed[i].Callback(_completed[i].State).GetAwaiter().GetResult();
            }

            _completed.Clear();
        }

        public void Reset()
        {
            StatusCode = StatusCodes.Status200OK;
            Headers.Clear();
        }
    }
}
