using System.Globalization;
using System.Net;
using AntiDistill.AspNetCore;
using AntiDistill.Redis.Internal;
using AntiDistill.Redis.Sync;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace AntiDistill.Redis.Tests.Infrastructure;

/// <summary>
/// One application node as a host deploys it: a real Kestrel server on 127.0.0.1 (free port) with
/// <c>AddAntiDistillation(...).AddAspNetCore().AddRedisState(...)</c> and <c>UseAntiDistillation()</c> in front of a
/// chat endpoint, its background sync and linkage running on the host's <see cref="TimeProvider"/>.
/// </summary>
internal sealed class KestrelNode : IAsyncDisposable
{
    public const string ChatPath = "/v1/chat/completions";

    private KestrelNode(WebApplication app, HttpClient client)
    {
        App = app;
        Client = client;
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => App.Services;

    public DistillationEngine Engine => Services.GetRequiredService<DistillationEngine>();

    internal RedisStateSynchronizer Synchronizer => Services.GetRequiredService<RedisStateSynchronizer>();

    /// <summary>What the node logged (the library from debug up, the framework from warning up).</summary>
    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    public RedisStateOptions RedisOptions => Services.GetRequiredService<IOptions<RedisStateOptions>>().Value;

    /// <summary>
    /// Settings of a default policy that throttles from <paramref name="minRisk"/> up against account and cluster budgets
    /// that refill at a thousandth of a token a second: the Redis buckets refill on the server's real clock, so a test,
    /// however long its fake clock runs, sees budgets that only go down.
    /// </summary>
    public static Dictionary<string, string?> Throttle(double minRisk, double accountCapacity, double clusterCapacity = 1e9) => new()
    {
        ["AntiDistillation:Http:Policies:default:Shadow"] = "false",
        ["AntiDistillation:Http:Policies:default:Bands:0:MinRisk"] = minRisk.ToString(CultureInfo.InvariantCulture),
        ["AntiDistillation:Http:Policies:default:Bands:0:Action"] = "Throttle",
        ["AntiDistillation:RateLimiting:Account:Capacity"] = accountCapacity.ToString(CultureInfo.InvariantCulture),
        ["AntiDistillation:RateLimiting:Account:TokensPerSecond"] = "0.001",
        ["AntiDistillation:RateLimiting:Account:MaxDebtRatio"] = "0",
        ["AntiDistillation:RateLimiting:Cluster:Capacity"] = clusterCapacity.ToString(CultureInfo.InvariantCulture),
        ["AntiDistillation:RateLimiting:Cluster:TokensPerSecond"] = "0.001",
        ["AntiDistillation:RateLimiting:Cluster:MaxDebtRatio"] = "0",
    };

    /// <param name="connectionString">The shared redis-server.</param>
    /// <param name="settings">Configuration on top of the identity key (policies, limits), as appsettings.json would hold it.</param>
    /// <param name="redis">Redis options after the connection string.</param>
    /// <param name="time">The host's clock (a fake one drives the sync and linkage loops); the system clock when null.</param>
    /// <param name="profiles">The host's account database, when the test has one.</param>
    /// <param name="usage">Tokens the endpoint reports each request used (so throttled requests are settled after the response); none when null.</param>
    public static async Task<KestrelNode> StartAsync(
        string connectionString,
        IDictionary<string, string?> settings,
        Action<RedisStateOptions> redis,
        TimeProvider? time = null,
        IAccountProfileProvider? profiles = null,
        long? usage = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Logging.ClearProviders();
        builder.Logging.AddFakeLogging();
        builder.Logging.SetMinimumLevel(LogLevel.Debug); // the library's fallbacks log at debug
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Configuration.Sources.Clear(); // only the test's settings: no environment variables or files
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings) { ["AntiDistillation:IdentityKey"] = TestNode.IdentityKey });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.Services.AddHealthChecks();
        var antiDistillation = builder.Services.AddAntiDistillation(builder.Configuration.GetSection("AntiDistillation"))
            .AddAspNetCore()
            .AddRedisState(connectionString, redis);
        if (profiles is not null)
        {
            antiDistillation.AddAccountProfiles(profiles);
        }

        var app = builder.Build();
        app.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor });
        app.UseRouting();
        app.UseAntiDistillation();
        app.MapPost(ChatPath, (HttpContext context) =>
        {
            if (usage is { } used)
            {
                context.Features.Get<IAntiDistillationFeature>()?.ReportUsage(used);
            }

            return Results.Text("""{"choices":[]}""", "application/json");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new KestrelNode(app, new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) });
    }

    /// <summary>A short chat request under <paramref name="apiKey"/>; returns the status only.</summary>
    public async Task<HttpStatusCode> PostAsync(string apiKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ChatPath)
        {
            Content = new StringContent("""{"model":"m","messages":[{"role":"user","content":"Explain how photosynthesis turns light into chemical energy."}],"max_completion_tokens":100}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        using var response = await Client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>
    /// Waits (at most 10 s) for this node's background Redis connection and sends one request under a throwaway key, so
    /// that a test's first measured request is not the one that meets a connection still opening: that request falls back
    /// to local state (fail-open, as documented) and is not charged to the shared budget.
    /// </summary>
    public async Task WarmUpAsync()
    {
        Assert.NotNull(Services.GetRequiredService<RedisConnection>().TryGetDatabase(TimeSpan.FromSeconds(10)));
        Assert.Equal(HttpStatusCode.OK, await PostAsync("sk-warm-up-" + Guid.NewGuid().ToString("N")));
    }

    /// <summary>The Redis health check's entry, as <c>/health</c> would report it.</summary>
    public async Task<HealthReportEntry> RedisHealthAsync()
    {
        var report = await Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return report.Entries[RedisStateBuilderExtensions.HealthCheckName];
    }

    /// <summary>Requests this node counts for <paramref name="account"/> (its own and those synced from other nodes).</summary>
    public int Requests(AccountId account) => Engine.TryAssess(account, out var assessment) ? assessment.Requests : 0;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
