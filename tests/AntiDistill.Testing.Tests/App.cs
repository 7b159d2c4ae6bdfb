using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace AntiDistill.Testing.Tests;

/// <summary>
/// A host's app as a consumer of the package would test it: AntiDistill on its pipeline, three model endpoints that
/// answer at once, a fake clock and the test recorder; on real Kestrel at 127.0.0.1 or on a TestServer.
/// </summary>
internal sealed class App : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private const string Policies = "AntiDistillation:Http:Policies";

    private App(WebApplication web, FakeTimeProvider time, HttpClient client, List<string> paths)
    {
        Paths = paths;
        Web = web;
        Time = time;
        Client = client;
    }

    public WebApplication Web { get; }

    public FakeTimeProvider Time { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => Web.Services;

    /// <summary>The path of every request that reached an endpoint.</summary>
    public List<string> Paths { get; }

    public static Dictionary<string, string?> Policy(bool shadow, params (double MinRisk, string Action)[] bands)
    {
        var settings = new Dictionary<string, string?> { [$"{Policies}:default:Shadow"] = shadow ? "true" : "false" };
        for (int i = 0; i < bands.Length; i++)
        {
            settings[$"{Policies}:default:Bands:{i}:MinRisk"] = bands[i].MinRisk.ToString(CultureInfo.InvariantCulture);
            settings[$"{Policies}:default:Bands:{i}:Action"] = bands[i].Action;
        }

        return settings;
    }

    public static async Task<App> StartAsync(IDictionary<string, string?>? settings = null, Action<IAntiDistillationBuilder>? configure = null,
        bool testServer = false)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Logging.ClearProviders();
        var all = new Dictionary<string, string?>
        {
            ["AntiDistillation:IdentityKey"] = "dGVzdC1pZGVudGl0eS1rZXktMTYtYnl0ZXMhIQ==",
            ["AntiDistillation:Http:LinkageInterval"] = "00:00:00.050",
            ["AntiDistillation:Http:TlsFingerprintHeader"] = "x-ja4",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(all);
        if (testServer)
        {
            builder.WebHost.UseTestServer();
        }
        else
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }

        var time = new FakeTimeProvider(Start);
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddAntiDistillationTestRecorder();
        var antiDistillation = builder.Services.AddAntiDistillation(builder.Configuration.GetSection("AntiDistillation")).AddAspNetCore();
        configure?.Invoke(antiDistillation);

        var web = builder.Build();
        web.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor });
        web.UseRouting();
        web.UseAntiDistillation();
        var paths = new List<string>();
        foreach (var path in (string[])["/v1/chat/completions", "/v1/responses", "/v1/messages"])
        {
            web.MapPost(path, (HttpContext context) =>
            {
                lock (paths)
                {
                    paths.Add(context.Request.Path.Value!);
                }

                return Results.Json(new { id = "ok", usage = new { prompt_tokens = 10, completion_tokens = 20 } });
            });
        }

        await web.StartAsync();

        HttpClient client;
        if (testServer)
        {
            client = web.GetTestClient();
        }
        else
        {
            var address = web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
        }

        var app = new App(web, time, client, paths);
        return app;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Web.StopAsync();
        await Web.DisposeAsync();
    }
}
