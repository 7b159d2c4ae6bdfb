using OpenTelemetry.Metrics;

namespace AntiDistill.OpenTelemetry.Tests;

/// <summary>The engine-state instruments (accounts, flagged accounts, clusters, linkage), as an OpenTelemetry host exports them.</summary>
[Collection(TracedHost.Collection)]
public class GaugeTests
{
    [Fact]
    public async Task Collect_ThreeAccountsScoredSuspicious_AccountsFlaggedAndLinkageExported()
    {
        // Suspicious from risk 0, so that every scored account is flagged and the test does not depend on calibration.
        await using var host = await TracedHost.StartAsync(new Dictionary<string, string?>
        {
            ["AntiDistillation:Risk:SuspiciousThreshold"] = "0",
            ["AntiDistillation:Risk:CampaignThreshold"] = "1",
        });
        foreach (var key in new[] { "sk-gauge-1", "sk-gauge-2", "sk-gauge-3" })
        {
            using var response = await host.Client.SendAsync(TracedHost.Chat(trace: null, key, "Name three rivers in Europe."));
            response.EnsureSuccessStatusCode();
        }

        var metrics = host.FlushMetrics();

        Assert.Equal(3, Last(metrics, "antidistill.accounts").Single().Value);
        var flagged = Last(metrics, "antidistill.accounts.flagged");
        Assert.Equal(3, flagged.Single(p => p.Verdict == "suspicious").Value);
        Assert.Equal(0, flagged.Single(p => p.Verdict == "campaign").Value);
        Assert.InRange(Last(metrics, "antidistill.linkage.backlog").Single().Value, 0, 3);
        Assert.Equal(0, Last(metrics, "antidistill.linkage.dropped").Single().Value);
        Assert.Equal(0, Last(metrics, "antidistill.clusters").Single().Value);
        var age = metrics.Last(m => m.Name == "antidistill.linkage.last_pass_age");
        Assert.Equal("s", age.Unit);
    }

    /// <summary>The points of the latest export of an integer instrument, with their verdict tag (if any).</summary>
    private static List<(string? Verdict, long Value)> Last(IReadOnlyList<MetricSnapshot> metrics, string name)
    {
        var metric = metrics.Last(m => m.Name == name && m.MeterName == AntiDistillationTelemetry.MeterName);
        var points = new List<(string?, long)>();
        foreach (var point in metric.MetricPoints)
        {
            string? verdict = null;
            foreach (var tag in point.Tags)
            {
                if (tag.Key == "antidistill.verdict")
                {
                    verdict = (string?)tag.Value;
                }
            }

            points.Add((verdict, point.GetSumLong()));
        }

        return points;
    }
}
