using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace AntiDistill.AspNetCore.Tests.Actions;

/// <summary>Refusals written in the error shape of the caller's API, per policy; problem+json stays the default.</summary>
public class DialectRejectionTests
{
    [Theory]
    [InlineData("MatchRequest", Bodies.ChatPath, "openai")]
    [InlineData("MatchRequest", Bodies.ResponsesPath, "openai")]
    [InlineData("MatchRequest", Bodies.MessagesPath, "anthropic")]
    [InlineData("OpenAI", Bodies.MessagesPath, "openai")]
    [InlineData("Anthropic", Bodies.ChatPath, "anthropic")]
    [InlineData("ProblemDetails", Bodies.ChatPath, "problem")]
    public async Task Block_RejectionFormat_BodyInThatDialect(string format, string path, string expected)
    {
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Block).WithPolicy("default", "RejectionFormat", format));

        using var response = await host.PostAsync(path, Bodies.For(path));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        switch (expected)
        {
            case "openai":
                Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
                var error = body.GetProperty("error");
                Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
                Assert.Equal("account_blocked", error.GetProperty("code").GetString());
                Assert.Equal(JsonValueKind.Null, error.GetProperty("param").ValueKind);
                Assert.Contains("not being served", error.GetProperty("message").GetString(), StringComparison.Ordinal);
                break;
            case "anthropic":
                Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
                Assert.Equal("error", body.GetProperty("type").GetString());
                Assert.Equal("permission_error", body.GetProperty("error").GetProperty("type").GetString());
                Assert.Contains("not being served", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
                break;
            default:
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.Equal("https://antidistill.dev/problems/blocked", body.GetProperty("type").GetString());
                break;
        }
    }

    [Theory]
    [InlineData(Bodies.ChatPath, "rate_limit_exceeded")]
    [InlineData(Bodies.MessagesPath, "rate_limit_error")]
    public async Task Throttle_Dialect_429KeepsRetryAfter(string path, string expected)
    {
        var settings = Settings.Always(AntiDistillationAction.Throttle).WithPolicy("default", "RejectionFormat", "MatchRequest")
            .With("AntiDistillation:RateLimiting:Account:Capacity", "20")
            .With("AntiDistillation:RateLimiting:Account:TokensPerSecond", "1")
            .With("AntiDistillation:RateLimiting:Account:MaxDebtRatio", "0");
        await using var host = await TestHost.StartAsync(settings);
        string body = Bodies.For(path, prompt: "Explain how photosynthesis turns light into chemical energy in plants.");

        using var first = await host.PostAsync(path, body);
        using var second = await host.PostAsync(path, body);
        string refusal = await second.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.NotNull(second.Headers.RetryAfter?.Delta);
        Assert.Contains($"\"{expected}\"", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TooLarge_AnthropicDialect_413RequestTooLarge()
    {
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Allow)
            .WithPolicy("default", "BadBody", "Reject").WithPolicy("default", "RejectionFormat", "MatchRequest").With("AntiDistillation:Http:MaxBodyBytes", "2048"));
        using var request = TestHost.Post(Bodies.MessagesPath, Bodies.Messages(prompt: new string('c', 5000)));

        using var response = await host.Client.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("request_too_large", body.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task MissingCredential_MatchRequest_DialectFromPath()
    {
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Allow).WithPolicy("default", "RejectionFormat", "MatchRequest"));
        using var request = new HttpRequestMessage(HttpMethod.Post, Bodies.ChatPath) { Content = new StringContent(Bodies.Chat(), Encoding.UTF8, "application/json") };

        using var response = await host.Client.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("missing_api_key", body.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task OnRejectedChangesDetail_DialectCarriesIt()
    {
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Block).WithPolicy("default", "RejectionFormat", "OpenAI"),
            configure: b => b.AddAspNetCore(o => o.OnRejected = (context, _) =>
            {
                context.Problem.Detail = "Contact trust@example.com.";
                return ValueTask.CompletedTask;
            }));

        using var response = await host.PostAsync(Bodies.ChatPath, Bodies.Chat());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("Contact trust@example.com.", body.GetProperty("error").GetProperty("message").GetString());
    }
}
