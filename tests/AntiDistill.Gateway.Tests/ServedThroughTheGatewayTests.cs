using System.Net;
using System.Text.Json;
using AntiDistill.AspNetCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using System.Diagnostics.Metrics;

namespace AntiDistill.Gateway.Tests;

/// <summary>What the model served, read from the proxied responses: usage observed, reasoning withheld by band.</summary>
public sealed class ServedThroughTheGatewayTests
{
    /// <summary>The shipped enforce policy with its first band moved to risk 0 and withholding reasoning: every scored request is "risky".</summary>
    private static readonly Dictionary<string, string?> WithholdFromEveryone = new()
    {
        ["AntiDistillation:Http:Policies:enforce:Bands:0:MinRisk"] = "0",
        ["AntiDistillation:Http:Policies:enforce:Bands:0:WithholdReasoning"] = "true",
    };

    [Theory]
    [InlineData(Traffic.ChatPath, "chat_completions")]
    [InlineData(Traffic.ResponsesPath, "responses")]
    [InlineData(Traffic.MessagesPath, "messages")]
    public async Task Proxy_StreamedAnswer_UsageReadFromTheProxiedStream(string path, string format)
    {
        await using var gateway = await GatewayHost.StartAsync();
        using var responses = Collector(gateway, "antidistill.responses");

        using (var response = await gateway.PostAsync(path, Traffic.Organic(path, 0, stream: true), "key-organic"))
        {
            Assert.Equal(StubUpstream.Expected(path, stream: true), await response.Content.ReadAsStringAsync());
        }

        var observed = await WaitForAsync(responses);
        Assert.Equal("ok", observed.Tags["antidistill.response"]);
        Assert.Equal(format, observed.Tags["antidistill.format"]);
    }

    [Theory]
    [InlineData(Traffic.ChatPath)]
    [InlineData(Traffic.ResponsesPath)]
    public async Task Proxy_RiskyBand_ReasoningBlankedAnswerAndUsageKept(string path)
    {
        await using var gateway = await GatewayHost.StartAsync(WithholdFromEveryone);
        using var withheld = Collector(gateway, "antidistill.reasoning.withheld");

        using var response = await gateway.PostAsync(path, Traffic.Organic(path, 0, stream: true), "key-organic");
        string received = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("step 1", received, StringComparison.Ordinal); // chat reasoning_content deltas
        Assert.DoesNotContain("Thought about capitals", received, StringComparison.Ordinal); // responses summary
        Assert.Contains("Paris.", received, StringComparison.Ordinal);
        Assert.Contains(StubUpstream.OutputTokens.ToString(System.Globalization.CultureInfo.InvariantCulture), received, StringComparison.Ordinal);
        foreach (string data in received.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l[6..]).Where(d => d != "[DONE]"))
        {
            using var _ = JsonDocument.Parse(data); // every event still valid JSON
        }

        Assert.True((await WaitForAsync(withheld)).Value > 0);
    }

    [Fact]
    public async Task Proxy_OrganicBandUnderTheSamePolicy_ReasoningKept()
    {
        // The shipped bands start at 0.3: an organic caller's first request is below every band.
        await using var gateway = await GatewayHost.StartAsync();

        using var response = await gateway.PostAsync(Traffic.ChatPath, Traffic.Organic(Traffic.ChatPath, 0, stream: true), "key-organic");

        Assert.Contains("step 1", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static MetricCollector<long> Collector(GatewayHost gateway, string instrument) =>
        new(gateway.Services.GetRequiredService<IMeterFactory>(), AntiDistillationTelemetry.MeterName, instrument);

    /// <summary>The response is recorded when it completes on the server, a moment after the client read its last byte.</summary>
    private static async Task<CollectedMeasurement<long>> WaitForAsync(MetricCollector<long> collector)
    {
        await collector.WaitForMeasurementsAsync(1, TimeSpan.FromSeconds(10));
        return collector.GetMeasurementSnapshot()[0];
    }
}
