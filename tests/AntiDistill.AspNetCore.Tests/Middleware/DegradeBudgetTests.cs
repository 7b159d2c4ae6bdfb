using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace AntiDistill.AspNetCore.Tests.Middleware;

/// <summary>What the endpoint reads after a degrade, for budgets and bodies spelled in the less usual ways.</summary>
public class DegradeBudgetTests
{
    private static Dictionary<string, string?> DegradeTo256() =>
        Settings.Always(AntiDistillationAction.Degrade).WithPolicy("default", "DegradedMaxOutputTokens", "256");

    [Theory]
    [InlineData("1e5")]
    [InlineData("64000.0")]
    [InlineData("null")]
    public async Task Degrade_BudgetNotAPlainInteger_EndpointReadsOneCappedBudget(string value)
    {
        await using var host = await TestHost.StartAsync(DegradeTo256());
        string body = Bodies.Chat(reasoning: false).Replace("\"max_completion_tokens\":4000", $"\"max_completion_tokens\":{value}", StringComparison.Ordinal);

        using var response = await host.PostAsync("/echo/chat/completions", body);

        Assert.Equal("Degrade", response.Headers.GetValues("X-Action").Single());
        using var json = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        var budgets = json.RootElement.EnumerateObject().Where(p => p.Name == "max_completion_tokens").Select(p => p.Value.GetRawText());
        Assert.Equal(["256"], budgets);
    }

    [Fact]
    public async Task Degrade_BodyStartingWithAByteOrderMark_ScoredAndDegraded()
    {
        // The endpoint's parser skips the mark; a middleware that called such a body "not JSON" let it through whole.
        await using var host = await TestHost.StartAsync(DegradeTo256());
        using var request = TestHost.Post(Bodies.ChatPath, "");
        request.Content = new ByteArrayContent([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Bodies.Chat(maxTokens: 32_000))]);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(256, json.RootElement.GetProperty("max_tokens_seen").GetInt64());
        Assert.False(json.RootElement.GetProperty("reasoning_seen").GetBoolean());
    }
}
