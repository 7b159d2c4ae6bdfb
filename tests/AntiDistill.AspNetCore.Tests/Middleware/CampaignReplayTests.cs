using System.Net;
using AntiDistill.Simulation;

namespace AntiDistill.AspNetCore.Tests.Middleware;

/// <summary>
/// A simulated day of traffic replayed over HTTP, in time order, on the fake clock: a chain-of-thought sweep
/// among casual users, a heavy user and coding-agent users. Throttling applies from the suspicious band up.
/// </summary>
public class CampaignReplayTests
{
    private const int MaxRequests = 4000;

    [Fact]
    public async Task Replay_CotSweepAmongOrganicUsers_CampaignThrottledOrganicAlways200()
    {
        var settings = Settings.Policy("default", shadow: false, (0.5, AntiDistillationAction.Throttle))
            .With("AntiDistillation:Http:TlsFingerprintHeader", SimulatedBodies.TlsHeader)
            .With("AntiDistillation:RateLimiting:Account:Capacity", "3000")
            .With("AntiDistillation:RateLimiting:Account:TokensPerSecond", "0.05")
            .With("AntiDistillation:RateLimiting:Account:MaxDebtRatio", "0");
        await using var host = await TestHost.StartAsync(settings);
        var start = TestHost.Start.AddMinutes(1);
        var traffic = new Scenario()
            .Add(new CampaignCotSweep(), 6)
            .Add(new OrganicCasual(), 30)
            .Add(new OrganicHeavyUser(), 1)
            .Add(new OrganicCodingAgent(), 4)
            .Generate(seed: 7, PromptLibrary.BuiltIn(7), start, TimeSpan.FromDays(1))
            .Take(MaxRequests)
            .ToList();
        Assert.True(traffic.Count(r => r.IsCampaign) >= 300, "the campaign must send enough to be judged");

        var statuses = new Dictionary<string, List<HttpStatusCode>>(StringComparer.Ordinal);
        foreach (var request in traffic)
        {
            if (request.Timestamp > host.Time.GetUtcNow())
            {
                host.Time.SetUtcNow(request.Timestamp);
            }

            using var message = SimulatedBodies.ToHttp(request);
            using var response = await host.Client.SendAsync(message);
            if (!statuses.TryGetValue(request.Account, out var list))
            {
                statuses[request.Account] = list = [];
            }

            list.Add(response.StatusCode);
        }

        var campaign = traffic.Where(r => r.IsCampaign).Select(r => r.Account).Distinct().ToList();
        var organic = traffic.Where(r => !r.IsCampaign).Select(r => r.Account).Distinct().ToList();
        Assert.Equal(6, campaign.Count);
        Assert.All(organic, account => Assert.All(statuses[account], status => Assert.Equal(HttpStatusCode.OK, status)));
        Assert.All(campaign, account =>
        {
            var list = statuses[account];
            int firstThrottled = list.IndexOf(HttpStatusCode.TooManyRequests);
            Assert.True(firstThrottled >= 0, $"{account} was never throttled in {list.Count} requests");
            int throttledAfter = list.Skip(firstThrottled).Count(s => s == HttpStatusCode.TooManyRequests);
            Assert.True(throttledAfter * 2 > list.Count - firstThrottled,
                $"{account}: only {throttledAfter} of {list.Count - firstThrottled} requests after the first 429 were throttled");
        });
    }
}
