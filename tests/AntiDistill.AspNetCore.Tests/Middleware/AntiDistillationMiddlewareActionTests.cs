using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AntiDistill.AspNetCore.Tests.Middleware;

public class AntiDistillationMiddlewareActionTests
{
    [Theory]
    [MemberData(nameof(Bodies.Paths), MemberType = typeof(Bodies))]
    public async Task Shadow_BlockBand_LetsEveryRequestThrough(string path)
    {
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Block, shadow: true));

        using var response = await host.PostAsync(path, Bodies.For(path));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Default_NoPoliciesConfigured_ScoresInShadowAndAllows()
    {
        await using var host = await TestHost.StartAsync();

        using var response = await host.PostAsync("/echo/chat/completions", Bodies.Chat());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Ok", response.Headers.GetValues("X-Body-Status").Single());
        Assert.Equal("Allow", response.Headers.GetValues("X-Action").Single());
    }

    [Fact]
    public async Task Annotate_ResponseHeadersOn_AddsRiskAndVerdictHeaders()
    {
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Annotate).WithPolicy("default", "ResponseHeaders", "true"));

        using var response = await host.PostAsync(Bodies.ChatPath, Bodies.Chat());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        float risk = float.Parse(response.Headers.GetValues("AntiDistill-Risk").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(risk, 0f, 1f);
        Assert.Equal("organic", response.Headers.GetValues("AntiDistill-Verdict").Single());
    }

    [Fact]
    public async Task Allow_ClientSendsItsOwnRiskHeaders_StrippedBeforeTheEndpoint()
    {
        string? seen = "unset";
        await using var host = await TestHost.StartAsync(map: app => app.MapPost("/spoof/chat/completions", (HttpContext context) =>
        {
            seen = context.Request.Headers["AntiDistill-Verdict"].FirstOrDefault();
            return "ok";
        }));
        using var request = TestHost.Post("/spoof/chat/completions", Bodies.Chat());
        request.Headers.Add("AntiDistill-Verdict", "organic");
        request.Headers.Add("AntiDistill-Risk", "0");

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(seen);
    }

    [Fact]
    public async Task Annotate_ResponseHeadersOff_KeepsRiskOffTheResponse()
    {
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Annotate));

        using var response = await host.PostAsync(Bodies.ChatPath, Bodies.Chat());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("AntiDistill-Risk"));
    }

    [Theory]
    [MemberData(nameof(Bodies.Paths), MemberType = typeof(Bodies))]
    public async Task Degrade_EachFormat_CapsBudgetAndRemovesReasoningBeforeTheEndpoint(string path)
    {
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Degrade).WithPolicy("default", "DegradedMaxOutputTokens", "256"));

        using var response = await host.PostAsync(path, Bodies.For(path, maxTokens: 32000, reasoning: true));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(256, json.RootElement.GetProperty("max_tokens_seen").GetInt64());
        Assert.False(json.RootElement.GetProperty("reasoning_seen").GetBoolean());
    }

    [Fact]
    public async Task Degrade_BudgetBelowCap_LeavesBudgetAlone()
    {
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Degrade));

        using var response = await host.PostAsync(Bodies.ChatPath, Bodies.Chat(maxTokens: 100, reasoning: false));

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(100, json.RootElement.GetProperty("max_tokens_seen").GetInt64());
    }

    [Fact]
    public async Task Challenge_ReturnsForbiddenProblemWithVerificationUrl()
    {
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Challenge)
            .WithPolicy("default", "VerificationUrl", "https://example.com/verify"));

        using var response = await host.PostAsync(Bodies.ChatPath, Bodies.Chat());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("https://antidistill.dev/problems/verification-required", json.RootElement.GetProperty("type").GetString());
        Assert.Equal(403, json.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("https://example.com/verify", json.RootElement.GetProperty("verification_url").GetString());
    }

    [Fact]
    public async Task Block_ReturnsForbiddenProblem()
    {
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Block));

        using var response = await host.PostAsync(Bodies.MessagesPath, Bodies.Messages());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://antidistill.dev/problems/blocked", problem.GetProperty("type").GetString());
        Assert.Equal(Bodies.MessagesPath, problem.GetProperty("instance").GetString());
    }

    [Fact]
    public async Task Throttle_BudgetExhausted_Returns429WithRetryAfterAndRecoversWithTime()
    {
        var settings = Settings.Always(AntiDistillationAction.Throttle)
            .With("AntiDistillation:RateLimiting:Account:Capacity", "20")
            .With("AntiDistillation:RateLimiting:Account:TokensPerSecond", "1")
            .With("AntiDistillation:RateLimiting:Account:MaxDebtRatio", "0");
        await using var host = await TestHost.StartAsync(settings);
        string body = Bodies.Chat(prompt: "Explain how photosynthesis turns light into chemical energy in plants.");

        using var first = await host.PostAsync(Bodies.ChatPath, body);
        using var second = await host.PostAsync(Bodies.ChatPath, body);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        var retryAfter = second.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        var problem = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://antidistill.dev/problems/throttled", problem.GetProperty("type").GetString());

        host.Time.Advance(TimeSpan.FromMinutes(2));
        using var later = await host.PostAsync(Bodies.ChatPath, body);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
    }

    [Fact]
    public async Task Throttle_OtherAccount_HasItsOwnBudget()
    {
        var settings = Settings.Always(AntiDistillationAction.Throttle)
            .With("AntiDistillation:RateLimiting:Account:Capacity", "20")
            .With("AntiDistillation:RateLimiting:Account:TokensPerSecond", "1")
            .With("AntiDistillation:RateLimiting:Account:MaxDebtRatio", "0");
        await using var host = await TestHost.StartAsync(settings);
        string body = Bodies.Chat(prompt: "Explain how photosynthesis turns light into chemical energy in plants.");

        using var first = await host.PostAsync(Bodies.ChatPath, body, apiKey: "sk-a");
        using var refused = await host.PostAsync(Bodies.ChatPath, body, apiKey: "sk-a");
        using var other = await host.PostAsync(Bodies.ChatPath, body, apiKey: "sk-b");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task OnRejected_HookWritesItsOwnResponse_MiddlewareWritesNothingElse()
    {
        AntiDistillationRejectedContext? seen = null;
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Block), builder => builder.AddAspNetCore(o => o.OnRejected = async (context, token) =>
        {
            seen = context;
            context.HttpContext.Response.StatusCode = 451;
            await context.HttpContext.Response.WriteAsync("custom", token);
        }));

        using var response = await host.PostAsync(Bodies.ChatPath, Bodies.Chat());

        Assert.Equal((HttpStatusCode)451, response.StatusCode);
        Assert.Equal("custom", await response.Content.ReadAsStringAsync());
        Assert.NotNull(seen);
        Assert.Equal(RejectionReason.Blocked, seen.Reason);
        Assert.Equal(403, seen.Problem.Status);
        Assert.NotNull(seen.Feature);
    }

    [Fact]
    public async Task OnRejected_HookChangesProblem_ChangedProblemIsWritten()
    {
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Block), builder => builder.AddAspNetCore(o => o.OnRejected = (context, _) =>
        {
            context.Problem.Detail = "Write to abuse@example.com.";
            context.RetryAfter = TimeSpan.FromSeconds(30);
            return ValueTask.CompletedTask;
        }));

        using var response = await host.PostAsync(Bodies.ChatPath, Bodies.Chat());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), response.Headers.RetryAfter?.Delta);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Write to abuse@example.com.", problem.GetProperty("detail").GetString());
    }
}
