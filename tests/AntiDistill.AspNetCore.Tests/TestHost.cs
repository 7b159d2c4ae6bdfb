using System.Net;
using AntiDistill.Api.Sample;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace AntiDistill.AspNetCore.Tests;

/// <summary>
/// A real Kestrel server on 127.0.0.1 with a free port, the sample's canned API behind the middleware, an echo
/// endpoint that returns the body it read, a fake clock and reloadable in-memory configuration.
/// </summary>
internal sealed class TestHost : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    public const string IdentityKey = "dGVzdC1pZGVudGl0eS1rZXktMTYtYnl0ZXMhIQ==";

    private readonly MemoryConfigurationProvider _settings;

    private TestHost(WebApplication app, FakeTimeProvider time, HttpClient client)
    {
        App = app;
        Time = time;
        Client = client;
        _settings = ((IConfigurationRoot)app.Configuration).Providers.OfType<MemoryConfigurationProvider>().Last();
    }

    public WebApplication App { get; }

    public FakeTimeProvider Time { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => App.Services;

    public static async Task<TestHost> StartAsync(
        IDictionary<string, string?>? settings = null,
        Action<IAntiDistillationBuilder>? configure = null,
        Action<WebApplication>? map = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Logging.ClearProviders();
        var all = new Dictionary<string, string?>
        {
            ["AntiDistillation:IdentityKey"] = IdentityKey,
            ["AntiDistillation:Http:LinkageInterval"] = "00:00:00.050",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        // Only the test's settings (the sample's appsettings.json is copied next to the tests and would add its policies), then the URL.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(all);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var time = new FakeTimeProvider(Start);
        builder.Services.AddSingleton<TimeProvider>(time);
        var antiDistillation = builder.Services.AddAntiDistillation(builder.Configuration.GetSection("AntiDistillation")).AddAspNetCore();
        configure?.Invoke(antiDistillation);

        var app = builder.Build();
        app.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor });
        app.UseRouting();
        app.UseAntiDistillation();
        app.MapCannedApi();
        app.MapPost("/echo/chat/completions", EchoAsync);
        app.MapPost("/other", EchoAsync);
        map?.Invoke(app);
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
        return new TestHost(app, time, client);
    }

    /// <summary>Returns the body exactly as the endpoint read it, and what the middleware concluded.</summary>
    public static async Task EchoAsync(HttpContext context)
    {
        using var copy = new MemoryStream();
        await context.Request.Body.CopyToAsync(copy, context.RequestAborted);
        var feature = context.Features.Get<IAntiDistillationFeature>();
        context.Response.Headers["X-Body-Status"] = feature?.BodyStatus.ToString() ?? "none";
        context.Response.Headers["X-Action"] = feature?.Action.ToString() ?? "none";
        context.Response.ContentType = "application/octet-stream";
        await context.Response.Body.WriteAsync(copy.ToArray(), context.RequestAborted);
    }

    /// <summary>Changes configuration and fires the reload token, as a changed appsettings.json would.</summary>
    public void Reload(IDictionary<string, string?> changes)
    {
        foreach (var (key, value) in changes)
        {
            _settings.Set(key, value);
        }

        ((IConfigurationRoot)App.Configuration).Reload();
    }

    public static HttpRequestMessage Post(string path, string body, string apiKey = "sk-test-1", string? forwardedFor = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        return request;
    }

    public async Task<HttpResponseMessage> PostAsync(string path, string body, string apiKey = "sk-test-1") =>
        await Client.SendAsync(Post(path, body, apiKey));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }

    public static bool IsSuccess(HttpStatusCode status) => (int)status is >= 200 and < 300;
}
