using AntiDistill.Requests;
using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AntiDistill.AspNetCore.Tests.Body;

/// <summary>
/// A body that has arrived whole is scored where the server holds it and left unconsumed; the endpoint must then read
/// exactly the bytes that were sent, through the stream or the pipe, and a degraded body must still be replaced.
/// </summary>
public class InPlaceBodyTests
{
    private const string PipeEcho = "/pipe/chat/completions";

    [Fact]
    public async Task WholeBody_EndpointReadsThroughThePipe_SameBytesAndScored()
    {
        await using var host = await TestHost.StartAsync(map: app => app.MapPost(PipeEcho, PipeEchoAsync));
        string body = Bodies.Chat(prompt: "Explain how tides work, step by step.");

        using var response = await host.Client.SendAsync(TestHost.Post(PipeEcho, body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Ok", response.Headers.GetValues("X-Body-Status").Single());
        Assert.Equal(body, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(30_000)]
    [InlineData(300_000)]
    public async Task LargeBodyWithLength_ScoredAndEchoedIntact(int promptBytes)
    {
        // Bodies larger than one of Kestrel's buffer blocks: whole in several segments, or still arriving.
        await using var host = await TestHost.StartAsync(map: app => app.MapPost(PipeEcho, PipeEchoAsync));
        string body = Bodies.Chat(prompt: string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog. ", promptBytes / 45)));

        using var viaStream = await host.Client.SendAsync(TestHost.Post("/echo/chat/completions", body));
        using var viaPipe = await host.Client.SendAsync(TestHost.Post(PipeEcho, body));

        foreach (var response in new[] { viaStream, viaPipe })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("Ok", response.Headers.GetValues("X-Body-Status").Single());
            Assert.Equal(body, await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task WholeBodyInSeveralSegments_ScoredAndLeftUnread()
    {
        // Deterministic: a pipe that holds the whole body in 7-byte segments, as a server's buffer can after a split read.
        byte[] body = Encoding.UTF8.GetBytes(Bodies.Chat(prompt: "Prove that the square root of two is irrational."));
        var (pipeline, app) = BuildPipeline(Settings.Always(AntiDistillationAction.Annotate));
        await using var _ = app;
        var context = NewContext(app, Segmented(body, 7));

        await pipeline(context);

        var feature = context.Features.Get<IAntiDistillationFeature>();
        Assert.Equal(RequestReadStatus.Ok, feature?.BodyStatus);
        Assert.Equal(AntiDistillationAction.Annotate, feature?.Action);
        Assert.Equal(body, context.Items["read"]);
    }

    [Fact]
    public async Task WholeBodyInSeveralSegments_Degrade_EndpointReadsTheRewrittenBody()
    {
        byte[] body = Encoding.UTF8.GetBytes(Bodies.Chat(maxTokens: 32_000));
        var (pipeline, app) = BuildPipeline(Settings.Always(AntiDistillationAction.Degrade).WithPolicy("default", "DegradedMaxOutputTokens", "256"));
        await using var _ = app;
        var context = NewContext(app, Segmented(body, 5));

        await pipeline(context);

        string read = Encoding.UTF8.GetString((byte[])context.Items["read"]!);
        Assert.Contains("256", read, StringComparison.Ordinal);
        Assert.DoesNotContain("32000", read, StringComparison.Ordinal);
        Assert.Equal(read.Length, context.Request.ContentLength);
    }

    private static async Task PipeEchoAsync(HttpContext context)
    {
        var reader = context.Request.BodyReader;
        var copy = new MemoryStream();
        while (true)
        {
            var result = await reader.ReadAsync(context.RequestAborted);
            foreach (var segment in result.Buffer)
            {
                copy.Write(segment.Span);
            }

            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        var feature = context.Features.Get<IAntiDistillationFeature>();
        context.Response.Headers["X-Body-Status"] = feature?.BodyStatus.ToString() ?? "none";
        await context.Response.Body.WriteAsync(copy.ToArray(), context.RequestAborted);
    }

    private static (RequestDelegate Pipeline, WebApplication App) BuildPipeline(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Logging.ClearProviders();
        builder.Configuration.Sources.Clear();
        settings["AntiDistillation:IdentityKey"] = TestHost.IdentityKey;
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddAntiDistillation(builder.Configuration.GetSection("AntiDistillation")).AddAspNetCore();
        var app = builder.Build();
        app.UseRouting();
        app.UseAntiDistillation();
        app.MapPost("/v1/chat/completions", static async context =>
        {
            using var copy = new MemoryStream();
            await context.Request.Body.CopyToAsync(copy);
            context.Items["read"] = copy.ToArray();
        });
        app.UseEndpoints(_ => { });
        return (((IApplicationBuilder)app).Build(), app);
    }

    private static DefaultHttpContext NewContext(WebApplication app, ReadOnlySequence<byte> body)
    {
        var reader = PipeReader.Create(body);
        var context = new DefaultHttpContext { RequestServices = app.Services };
        context.Features.Set<IRequestBodyPipeFeature>(new BodyPipe(reader));
        var request = context.Request;
        request.Method = HttpMethods.Post;
        request.Path = "/v1/chat/completions";
        request.ContentType = "application/json";
        request.ContentLength = body.Length;
        request.Headers.Authorization = "Bearer sk-in-place";
        request.Body = reader.AsStream();
        context.Connection.RemoteIpAddress = IPAddress.Loopback;
        return context;
    }

    private static ReadOnlySequence<byte> Segmented(byte[] bytes, int size)
    {
        Segment? first = null, last = null;
        for (int i = 0; i < bytes.Length; i += size)
        {
            var next = new Segment(bytes.AsMemory(i, Math.Min(size, bytes.Length - i)), last);
            first ??= next;
            last = next;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, Segment? previous)
        {
            Memory = memory;
            if (previous is not null)
            {
                RunningIndex = previous.RunningIndex + previous.Memory.Length;
                previous.Next = this;
            }
        }
    }

    private sealed class BodyPipe(PipeReader reader) : IRequestBodyPipeFeature
    {
        public PipeReader Reader => reader;
    }
}
