using AntiDistill.Requests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AntiDistill.Gateway.Tests;

/// <summary>
/// The gateway sample tested the way a host tests its own integration: AntiDistill.Testing's simulated users and
/// campaign sent through the gateway (its shipped policy: throttle from 0.5, degrade from 0.7, challenge from 0.9) on a fake clock.
/// </summary>
public sealed class SimulatedTrafficThroughTheGatewayTests
{
    [Fact]
    public async Task Gateway_CotSweepAmongOrganicUsers_CampaignRefusedWhileOrganicKeepsTheir200s()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        var settings = new Dictionary<string, string?>
        {
            // Account buckets small enough that a harvesting rate runs dry within the simulated day.
            ["AntiDistillation:RateLimiting:Account:Capacity"] = "3000",
            ["AntiDistillation:RateLimiting:Account:TokensPerSecond"] = "0.05",
            ["AntiDistillation:RateLimiting:Account:MaxDebtRatio"] = "0",
        };
        await using var gateway = await GatewayHost.StartAsync(settings, configure: builder =>
        {
            builder.Services.AddSingleton<TimeProvider>(time);
            builder.Services.AddAntiDistillationTestRecorder();
        });

        var result = await Testing.SimulatedTraffic.Create(seed: 7)
            .Campaign(6, Testing.Campaigns.ChainOfThoughtSweep)
            .Organic(30)
            .Organic(4, Testing.OrganicUsers.CodingAgent)
            .WithTlsFingerprintHeader("x-ja4")
            .WithForwardedForHeader(null) // the gateway does not trust X-Forwarded-For
            .MaxRequests(3000)
            .Timeout(TimeSpan.FromMinutes(3))
            .SendAsync(gateway.Client, time, gateway.Services);

        Assert.True(result.Campaign.RequestsSent >= 300, result.ToString());
        Assert.True(result.Organic.Rejected == 0, result.Organic.ToString());
        Assert.Equal(6, result.Campaign.AccountsRejected);
        Assert.True(result.Campaign.FirstRejectionIndex > 0, "the campaign is served until its accounts are judged");
        Assert.All(result.Campaign.StatusCodes.Keys, status => Assert.Contains(status, (int[])[200, 403, 429]));
        Assert.Equal(result.Exchanges.Count, result.Exchanges.Count(e => e.Decision is { IsScored: true, Policy: "enforce" }));
        Assert.True(result.Campaign.FinalVerdicts.GetValueOrDefault(Verdict.Organic) == 0, string.Join(", ", result.Campaign.FinalVerdicts));
    }

    [Fact]
    public async Task Gateway_SimulatedClientsInEachFormat_AllRoutedAndScored()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        await using var gateway = await GatewayHost.StartAsync(configure: builder =>
        {
            builder.Services.AddSingleton<TimeProvider>(time);
            builder.Services.AddAntiDistillationTestRecorder();
        });

        foreach (var format in (RequestFormat[])[RequestFormat.OpenAIChatCompletions, RequestFormat.OpenAIResponses, RequestFormat.AnthropicMessages])
        {
            var result = await Testing.SimulatedTraffic.Create(seed: 2).Organic(3).InFormat(format).MaxRequests(10)
                .SendAsync(gateway.Client, time, gateway.Services);

            Assert.All(result.Exchanges, e => Assert.True(e.StatusCode == 200 && e.Decision?.IsScored == true, $"{format}: {e}"));
        }
    }
}
