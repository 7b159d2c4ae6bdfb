using System.Net;
using AntiDistill.Redis.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace AntiDistill.Redis.Tests.Hosting;

/// <summary>Two real Kestrel hosts on 127.0.0.1 behind the middleware, sharing one redis-server.</summary>
[Collection(RedisTests.Name)]
public class TwoKestrelNodesTests(SharedRedis redis)
{
    private const string ChatPath = "/v1/chat/completions";

    private static async Task<(WebApplication App, HttpClient Client)> StartNodeAsync(string connectionString, string prefix)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AntiDistillation:IdentityKey"] = TestNode.IdentityKey,
            ["AntiDistillation:Http:Policies:default:Shadow"] = "false",
            ["AntiDistillation:Http:Policies:default:Bands:0:MinRisk"] = "0",
            ["AntiDistillation:Http:Policies:default:Bands:0:Action"] = "Throttle",
            ["AntiDistillation:RateLimiting:Account:Capacity"] = "1000",
            ["AntiDistillation:RateLimiting:Account:TokensPerSecond"] = "0.001",
            ["AntiDistillation:RateLimiting:Account:MaxDebtRatio"] = "0",
        });
        builder.Services.AddHealthChecks();
        builder.Services.AddAntiDistillation(builder.Configuration.GetSection("AntiDistillation"))
            .AddAspNetCore()
            .AddRedisState(connectionString, o => o.KeyPrefix = prefix);
        var app = builder.Build();
        app.UseRouting();
        app.UseAntiDistillation();
        app.MapPost(ChatPath, static () => Results.Text("""{"choices":[]}""", "application/json"));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return (app, new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) });
    }

    private static async Task<HttpStatusCode> PostAsync(HttpClient client, string apiKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ChatPath)
        {
            Content = new StringContent("""{"model":"m","messages":[{"role":"user","content":"Explain how photosynthesis turns light into chemical energy."}],"max_completion_tokens":100}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    [RedisFact]
    public async Task Throttle_AccountOnOneNodeOrAlternatingTwo_SameNumberServedBefore429()
    {
        string prefix = TestNode.NewPrefix();
        var (appA, a) = await StartNodeAsync(redis.Server.ConnectionString, prefix);
        var (appB, b) = await StartNodeAsync(redis.Server.ConnectionString, prefix);
        try
        {
            async Task<int> ServedAsync(string apiKey, bool alternate)
            {
                var statuses = new List<HttpStatusCode>();
                for (int i = 0; i < 200 && !statuses.Contains(HttpStatusCode.TooManyRequests); i++)
                {
                    statuses.Add(await PostAsync(alternate && i % 2 == 1 ? b : a, apiKey));
                }

                Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
                Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, s.ToString()));
                return statuses.Count(s => s == HttpStatusCode.OK);
            }

            int oneNode = await ServedAsync("sk-one-node", alternate: false);
            int twoNodes = await ServedAsync("sk-two-nodes", alternate: true);

            Assert.True(oneNode >= 2, $"{oneNode} served");
            Assert.Equal(oneNode, twoNodes);

            var health = await appA.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
            Assert.Equal(HealthStatus.Healthy, health.Entries[RedisStateBuilderExtensions.HealthCheckName].Status);
        }
        finally
        {
            a.Dispose();
            b.Dispose();
            await appA.StopAsync();
            await appB.StopAsync();
            await appA.DisposeAsync();
            await appB.DisposeAsync();
        }
    }
}
