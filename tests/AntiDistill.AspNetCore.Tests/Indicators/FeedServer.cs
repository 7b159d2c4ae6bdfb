using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AntiDistill.AspNetCore.Tests.Indicators;

/// <summary>A real Kestrel on 127.0.0.1 serving a feed at <c>/feed</c>; each test sets what it answers, and it counts requests and conditional ones.</summary>
internal sealed class FeedServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;
    private int _conditional;

    private FeedServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>What <c>/feed</c> answers; the default serves <see cref="Body"/> with an ETag and honours If-None-Match.</summary>
    public Func<HttpContext, Task>? Handler { get; set; }

    public byte[] Body { get; set; } = [];

    public string ETag { get; set; } = "\"v1\"";

    public int Requests => Volatile.Read(ref _requests);

    public int ConditionalRequests => Volatile.Read(ref _conditional);

    public static async Task<FeedServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        FeedServer? server = null;
        app.MapGet("/feed", context => server!.HandleAsync(context));
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server = new FeedServer(app, new Uri(address + "/feed"));
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        if (context.Request.Headers.IfNoneMatch.Count > 0)
        {
            Interlocked.Increment(ref _conditional);
        }

        if (Handler is { } handler)
        {
            await handler(context);
            return;
        }

        if (context.Request.Headers.IfNoneMatch == ETag)
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        context.Response.Headers.ETag = ETag;
        context.Response.ContentType = "application/stix+json";
        await context.Response.Body.WriteAsync(Body, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
