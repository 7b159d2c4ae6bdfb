using System.Net;
using System.Text;
using System.Text.Json;

namespace AntiDistill.AspNetCore.Tests.Sample;

/// <summary>The sample's endpoints on Kestrel, behind the middleware: a bad field is a 400 in the API's own error shape, never a 500.</summary>
public class CannedApiTests
{
    [Theory]
    [InlineData(Bodies.ChatPath, "max_completion_tokens", "true")]
    [InlineData(Bodies.ChatPath, "max_tokens", "\"abc\"")]
    [InlineData(Bodies.ChatPath, "max_completion_tokens", "1.5")]
    [InlineData(Bodies.ChatPath, "max_completion_tokens", "0")]
    [InlineData(Bodies.ResponsesPath, "max_output_tokens", "\"abc\"")]
    [InlineData(Bodies.ResponsesPath, "max_output_tokens", "[1]")]
    [InlineData(Bodies.ResponsesPath, "max_output_tokens", "-5")]
    public async Task OpenAIEndpoints_BudgetOfTheWrongTypeOrRange_400InOpenAIErrorShape(string path, string field, string value)
    {
        await using var host = await TestHost.StartAsync();

        using var response = await host.PostAsync(path, WithBudget(path, field, value));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = json.RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(field, error.GetProperty("param").GetString());
        Assert.Contains($"'{field}'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("\"abc\"")]
    [InlineData("{}")]
    [InlineData("2.5")]
    public async Task Messages_BudgetOfTheWrongType_400InAnthropicErrorShape(string value)
    {
        await using var host = await TestHost.StartAsync();

        using var response = await host.PostAsync(Bodies.MessagesPath, WithBudget(Bodies.MessagesPath, "max_tokens", value));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("error", json.RootElement.GetProperty("type").GetString());
        Assert.Equal("invalid_request_error", json.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains("'max_tokens'", json.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Bodies.ChatPath, "max_completion_tokens", "null", 0)] // null is no budget, as OpenAI takes it
    [InlineData(Bodies.ResponsesPath, "max_output_tokens", "null", 0)]
    [InlineData(Bodies.MessagesPath, "max_tokens", "null", 0)]
    [InlineData(Bodies.ChatPath, "max_completion_tokens", "1e5", 100_000)] // whole numbers in any spelling
    [InlineData(Bodies.MessagesPath, "max_tokens", "64000.0", 64_000)]
    [InlineData(Bodies.ResponsesPath, "max_output_tokens", "1e308", long.MaxValue)]
    public async Task AllEndpoints_BudgetNullOrAWholeNumber_Answered(string path, string field, string value, long seen)
    {
        await using var host = await TestHost.StartAsync();

        using var response = await host.PostAsync(path, WithBudget(path, field, value));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(seen, json.RootElement.GetProperty("max_tokens_seen").GetInt64());
    }

    [Theory]
    [InlineData(Bodies.ChatPath, "{\"messages\":[")]
    [InlineData(Bodies.ChatPath, "[1]")]
    [InlineData(Bodies.MessagesPath, "{\"messages\":[]} x")]
    public async Task AllEndpoints_BodyNotAJsonObject_400InTheFormatsErrorShape(string path, string body)
    {
        await using var host = await TestHost.StartAsync();

        using var response = await host.PostAsync(path, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = json.RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(path == Bodies.MessagesPath, json.RootElement.TryGetProperty("type", out _));
    }

    [Fact]
    public async Task ChatCompletions_ModelWithAnEscapedLoneSurrogate_400Not500()
    {
        // JsonDocument accepts "\ud800"; only turning it into a string throws.
        await using var host = await TestHost.StartAsync();

        using var response = await host.PostAsync(Bodies.ChatPath, Bodies.Chat().Replace("\"gpt-test\"", "\"gpt\\ud800\"", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("invalid_request_error", json.RootElement.GetProperty("error").GetProperty("type").GetString());
    }

    /// <summary>The format's usual body with <paramref name="field"/> set to <paramref name="value"/> (its own budget field taken out).</summary>
    private static string WithBudget(string path, string field, string value)
    {
        var body = new StringBuilder(Bodies.For(path, reasoning: false));
        foreach (var name in (string[])["max_completion_tokens", "max_output_tokens", "max_tokens"])
        {
            body.Replace($"\"{name}\":4000,", "");
        }

        return body.Insert(1, $"\"{field}\":{value},").ToString();
    }
}
