// Consumer check for .ci/run: a host built from the packed AntiDistill packages registers AddAntiDistillation(),
// serves one chat-completions request on Kestrel (127.0.0.1, a free port) and exits 0 only if the middleware
// scored it. Any missing dependency fails earlier, at restore, build or start-up, with a nonzero exit.
using System.Net.Http.Headers;
using System.Text;
using AntiDistill.AspNetCore;
using AntiDistill.RateLimiting;
using AntiDistill.Redis;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls("http://127.0.0.1:0");
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddAntiDistillation(options => options.IdentityKey = "Y29uc3VtZXItY2hlY2sta2V5LW5vdC1hLXNlY3JldA==").AddAspNetCore();
builder.Services.AddOpenTelemetry()
    .WithTracing(tracing => tracing.AddAntiDistillationInstrumentation())
    .WithMetrics(metrics => metrics.AddAntiDistillationInstrumentation());

var app = builder.Build();
app.UseAntiDistillation();
app.MapPost("/v1/chat/completions", (HttpContext context) =>
{
    var feature = context.Features.Get<IAntiDistillationFeature>();
    return Results.Json(new Outcome(feature?.IsScored ?? false, feature?.Assessment?.Verdict.ToString(), feature?.Policy));
});

await app.StartAsync();
try
{
    // The other library packages load too: the limiter AddAspNetCore registered, and Redis's options and their
    // validation (a running Redis is the Redis tests' business, not this check's).
    _ = app.Services.GetRequiredService<RiskRateLimiter>();
    if (new RedisStateOptions().SyncInterval <= TimeSpan.Zero)
    {
        Console.Error.WriteLine("consumer: AntiDistill.Redis loaded with unexpected defaults");
        return 1;
    }

    string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
    using var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
    using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
    {
        Content = new StringContent(
            """{"model":"gpt-4o","max_tokens":512,"messages":[{"role":"user","content":"Write a haiku about the sea."}]}""",
            Encoding.UTF8,
            "application/json"),
    };
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-consumer-check");
    using var response = await client.SendAsync(request);
    var outcome = await response.Content.ReadFromJsonAsync<Outcome>();
    if (!response.IsSuccessStatusCode || outcome is not { Scored: true, Verdict: not null })
    {
        Console.Error.WriteLine($"consumer: request not scored (HTTP {(int)response.StatusCode}, {outcome})");
        return 1;
    }

    Console.WriteLine($"consumer: scored on {address} (policy {outcome.Policy}, verdict {outcome.Verdict})");
    return 0;
}
finally
{
    await app.StopAsync();
}

internal sealed record Outcome(bool Scored, string? Verdict, string? Policy);
