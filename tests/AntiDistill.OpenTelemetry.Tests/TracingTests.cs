using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using OpenTelemetry.Metrics;

namespace AntiDistill.OpenTelemetry.Tests;

[Collection(TracedHost.Collection)]
public class TracingTests
{
    private const string Policy = "AntiDistillation:Http:Policies:default";

    // Enforced, every request in the band from 0 (annotate); the block band above it is never reached by one request.
    private static readonly Dictionary<string, string?> Settings = new()
    {
        [$"{Policy}:Shadow"] = "false",
        [$"{Policy}:Bands:0:MinRisk"] = "0",
        [$"{Policy}:Bands:0:Action"] = "Annotate",
        [$"{Policy}:Bands:1:MinRisk"] = "0.99",
        [$"{Policy}:Bands:1:Action"] = "Block",
    };

    [Fact]
    public async Task Scored_Request_DecisionOnItsOwnActivityAndTheRequests()
    {
        await using var host = await TracedHost.StartAsync(Settings);
        var trace = ActivityTraceId.CreateRandom();

        using var response = await host.Client.SendAsync(TracedHost.Chat(trace, "sk-tracing-one", "Summarize the causes of the French Revolution."));
        response.EnsureSuccessStatusCode();

        var server = await host.ServerActivityAsync(trace);
        var decision = Assert.Single(host.Activities.Snapshot(), a => a.Source.Name == AntiDistillationTelemetry.ActivitySourceName && a.TraceId == trace);
        Assert.Equal("antidistill.decision", decision.OperationName);
        Assert.Equal(server.SpanId, decision.ParentSpanId);
        foreach (var activity in new[] { decision, server })
        {
            Assert.Equal("default", activity.GetTagItem("antidistill.policy"));
            Assert.Equal("annotate", activity.GetTagItem("antidistill.action"));
            Assert.Equal("organic", activity.GetTagItem("antidistill.verdict"));
            Assert.Equal("0", activity.GetTagItem("antidistill.risk_band"));
            Assert.Equal(false, activity.GetTagItem("antidistill.shadow"));
        }
    }

    [Fact]
    public async Task Unscored_BodyNotJson_ActionUnscoredWithReason()
    {
        await using var host = await TracedHost.StartAsync(Settings);
        var trace = ActivityTraceId.CreateRandom();
        using var request = TracedHost.Chat(trace, "sk-tracing-two", "unused");
        request.Content = new StringContent("this is not json", Encoding.UTF8, "application/json");

        using var response = await host.Client.SendAsync(request);

        await host.ServerActivityAsync(trace);
        var decision = Assert.Single(host.Activities.Snapshot(), a => a.Source.Name == AntiDistillationTelemetry.ActivitySourceName && a.TraceId == trace);
        Assert.Equal("unscored", decision.GetTagItem("antidistill.action"));
        Assert.Equal("not_json", decision.GetTagItem("antidistill.unscored_reason"));
        Assert.Null(decision.GetTagItem("antidistill.verdict"));
    }

    [Fact]
    public async Task Telemetry_ManyCallers_NoAccountKeyOrAddressInAnyTag()
    {
        await using var host = await TracedHost.StartAsync(Settings);
        string[] keys = ["sk-live-4f9a1c2e7b", "sk-live-0d3e8b6a51", "sk-live-a7c2f9e410"];
        var traces = new List<ActivityTraceId>();
        foreach (string key in keys)
        {
            for (int i = 0; i < 3; i++)
            {
                var trace = ActivityTraceId.CreateRandom();
                traces.Add(trace);
                using var response = await host.Client.SendAsync(TracedHost.Chat(trace, key, $"Explain step by step how to solve problem {i}."));
                response.EnsureSuccessStatusCode();
            }
        }

        foreach (var trace in traces)
        {
            await host.ServerActivityAsync(trace);
        }

        var tags = new List<KeyValuePair<string, object?>>();
        foreach (var activity in host.Activities.Snapshot())
        {
            // Everything AntiDistill's source emits, and what it adds to the request's activity.
            bool ours = activity.Source.Name == AntiDistillationTelemetry.ActivitySourceName;
            tags.AddRange(activity.TagObjects.Where(t => ours || t.Key.StartsWith("antidistill.", StringComparison.Ordinal)));
        }

        var metrics = host.FlushMetrics().Where(m => m.MeterName == AntiDistillationTelemetry.MeterName).ToList();
        Assert.Contains(metrics, m => m.Name == "antidistill.requests");
        foreach (var metric in metrics)
        {
            foreach (var point in metric.MetricPoints)
            {
                foreach (var tag in point.Tags)
                {
                    tags.Add(tag);
                }
            }
        }

        var forbidden = new List<string>(keys) { "127.0.0.1" };
        foreach (var account in host.Accounts.Distinct())
        {
            forbidden.Add(account.Value.ToString(CultureInfo.InvariantCulture));
            forbidden.Add(account.Value.ToString("x16", CultureInfo.InvariantCulture));
            forbidden.Add(account.Value.ToString("X16", CultureInfo.InvariantCulture));
            forbidden.Add(account.ToString());
        }

        Assert.Equal(keys.Length, host.Accounts.Distinct().Count());
        Assert.True(tags.Count > 20, $"only {tags.Count} tags were collected");
        foreach (var (name, value) in tags)
        {
            string text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
            Assert.DoesNotContain(forbidden, f => text.Contains(f, StringComparison.OrdinalIgnoreCase) || name.Contains(f, StringComparison.OrdinalIgnoreCase));
        }
    }
}
