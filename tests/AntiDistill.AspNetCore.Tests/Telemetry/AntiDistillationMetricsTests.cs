using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace AntiDistill.AspNetCore.Tests.Telemetry;

public class AntiDistillationMetricsTests
{
    [Fact]
    public async Task Requests_ShadowAndRejections_RecordedWithLowCardinalityTags()
    {
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Block, shadow: true)
            .Concat(Settings.Policy("strict", shadow: false, (0, AntiDistillationAction.Block))).ToDictionary(),
            map: app => Microsoft.AspNetCore.Builder.AntiDistillationEndpointConventionBuilderExtensions.RequireAntiDistillation(
                Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions.MapPost(app, "/strict/generate", TestHost.EchoAsync), "strict"));
        var meters = host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var requests = new MetricCollector<long>(meters, AntiDistillationMetrics.MeterName, "antidistill.requests");
        using var risk = new MetricCollector<double>(meters, AntiDistillationMetrics.MeterName, "antidistill.risk");
        using var rejections = new MetricCollector<long>(meters, AntiDistillationMetrics.MeterName, "antidistill.rejections");

        (await host.PostAsync(Bodies.ChatPath, Bodies.Chat(), apiKey: "sk-metrics")).Dispose();
        (await host.PostAsync("/strict/generate", Bodies.Chat(), apiKey: "sk-metrics")).Dispose();
        (await host.PostAsync(Bodies.ChatPath, "not json", apiKey: "sk-metrics")).Dispose();

        var shadow = Assert.Single(requests.GetMeasurementSnapshot(), m => (string?)m.Tags["antidistill.policy"] == "default" && m.Tags.ContainsKey("antidistill.verdict"));
        Assert.Equal("block", shadow.Tags["antidistill.action"]);
        Assert.Equal(true, shadow.Tags["antidistill.shadow"]);
        Assert.Single(requests.GetMeasurementSnapshot(), m => (string?)m.Tags["antidistill.action"] == "unscored" && (string?)m.Tags["antidistill.unscored_reason"] == "not_json");
        Assert.Equal(2, risk.GetMeasurementSnapshot().Count);
        var rejected = Assert.Single(rejections.GetMeasurementSnapshot());
        Assert.Equal("blocked", rejected.Tags["antidistill.reason"]);
        Assert.Equal("strict", rejected.Tags["antidistill.policy"]);

        // No identity in any tag.
        var allTags = requests.GetMeasurementSnapshot().SelectMany(m => m.Tags.Keys).Distinct().ToList();
        Assert.All(allTags, tag => Assert.StartsWith("antidistill.", tag, StringComparison.Ordinal));
        Assert.DoesNotContain(allTags, tag => tag.Contains("account", StringComparison.Ordinal) || tag.Contains("cluster", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Throttle_TokensCharged_Recorded()
    {
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Throttle));
        var meters = host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        using var tokens = new MetricCollector<long>(meters, AntiDistillationMetrics.MeterName, "antidistill.tokens_charged");

        using var response = await host.PostAsync(Bodies.ChatPath, Bodies.Chat());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // The estimate at admission, then the settled difference to the usage the endpoint reported (44 tokens in the sample).
        Assert.Equal(44, tokens.GetMeasurementSnapshot().Sum(m => m.Value));
    }
}
