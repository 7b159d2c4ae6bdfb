using Microsoft.Extensions.DependencyInjection;
using AntiDistill.AspNetCore;
using AntiDistill.Requests;

namespace AntiDistill.Testing.Tests.Traffic;

public class SimulatedTrafficTests
{
    [Fact]
    public async Task SendAsync_CotSweepAmongOrganicUsers_CampaignThrottledOrganicKeepsItsOks()
    {
        // Throttle from the suspicious band up, with account buckets small enough that a harvesting rate runs dry in a day.
        var settings = App.Policy(shadow: false, (0.5, "Throttle"));
        settings["AntiDistillation:RateLimiting:Account:Capacity"] = "3000";
        settings["AntiDistillation:RateLimiting:Account:TokensPerSecond"] = "0.05";
        settings["AntiDistillation:RateLimiting:Account:MaxDebtRatio"] = "0";
        await using var app = await App.StartAsync(settings);

        var result = await SimulatedTraffic.Create(seed: 7)
            .Campaign(6, Campaigns.ChainOfThoughtSweep)
            .Organic(30)
            .Organic(1, OrganicUsers.HeavyUser)
            .Organic(4, OrganicUsers.CodingAgent)
            .WithTlsFingerprintHeader("x-ja4")
            .MaxRequests(4000)
            .Timeout(TimeSpan.FromMinutes(3))
            .SendAsync(app.Client, app.Time, app.Services);

        Assert.True(result.Campaign.RequestsSent >= 300, result.ToString());
        Assert.Equal(0, result.Organic.Rejected);
        Assert.Equal(result.Organic.RequestsSent, result.Organic.CountOf(200));
        Assert.Equal(6, result[Campaigns.ChainOfThoughtSweep].AccountsRejected);
        Assert.True(result.Campaign.CountOf(429) > 0, result.Campaign.ToString());
        Assert.True(result.Campaign.FirstRejectionIndex > 0, "the campaign is served until its accounts are judged");
        Assert.True(result.Campaign.CountOf("throttle") >= result.Campaign.Rejected);
        Assert.True(result.Campaign.FinalVerdicts.GetValueOrDefault(Verdict.Organic) == 0, string.Join(", ", result.Campaign.FinalVerdicts));
        Assert.Equal(result.Organic.Accounts, result.Organic.FinalVerdicts.Values.Sum());
    }

    [Fact]
    public async Task SendAsync_TestServerShadowPolicy_EveryExchangeRecordedAndServed()
    {
        await using var app = await App.StartAsync(App.Policy(shadow: true, (0, "Block")), testServer: true);

        var result = await SimulatedTraffic.Create(seed: 3).Organic(5).MaxRequests(60).SendAsync(app.Client, app.Time, app.Services);

        Assert.NotEmpty(result.Exchanges);
        Assert.All(result.Exchanges, exchange =>
        {
            Assert.Equal(200, exchange.StatusCode);
            var decision = Assert.IsType<RecordedDecision>(exchange.Decision);
            Assert.True(decision.IsScored);
            Assert.True(decision.Shadow);
            Assert.Equal(AntiDistillationAction.Block, decision.Action);
            Assert.Equal("default", decision.Policy);
        });
        Assert.Equal(result.Exchanges.Count, result.Organic.CountOf(AntiDistillationAction.Block));
        Assert.Equal(0, app.Services.GetRequiredService<AntiDistillationTestRecorder>().Count);
    }

    [Fact]
    public async Task SendAsync_FakeClock_MovedToEachRequestsTime()
    {
        await using var app = await App.StartAsync(testServer: true);

        var result = await SimulatedTraffic.Create().Organic(3).MaxRequests(40).SendAsync(app.Client, app.Time);

        Assert.True(result.Exchanges[0].Timestamp >= App.Start.AddMinutes(1));
        Assert.Equal(result.Exchanges[^1].Timestamp, app.Time.GetUtcNow());
        Assert.True(result.Exchanges.Zip(result.Exchanges.Skip(1)).All(p => p.First.Timestamp <= p.Second.Timestamp));
    }

    [Fact]
    public async Task SendAsync_SameSeed_SameTraffic()
    {
        await using var first = await App.StartAsync(testServer: true);
        await using var second = await App.StartAsync(testServer: true);
        var traffic = SimulatedTraffic.Create(seed: 11).Organic(3).Campaign(2, Campaigns.GradingSweep).MaxRequests(50);

        var a = await traffic.SendAsync(first.Client, first.Time);
        var b = await traffic.SendAsync(second.Client, second.Time);

        Assert.Equal(a.Exchanges.Select(e => (e.Account, e.Timestamp)), b.Exchanges.Select(e => (e.Account, e.Timestamp)));
    }

    [Fact]
    public async Task MaxRequests_MoreGenerated_SendsOnlyTheEarliest()
    {
        await using var app = await App.StartAsync(testServer: true);

        var result = await SimulatedTraffic.Create().Organic(20).Campaign(3).MaxRequests(25).SendAsync(app.Client, app.Time);

        Assert.Equal(25, result.Exchanges.Count);
        Assert.Equal(25, app.Paths.Count);
    }

    [Theory]
    [InlineData(RequestFormat.OpenAIResponses, "/v1/responses")]
    [InlineData(RequestFormat.AnthropicMessages, "/v1/messages")]
    [InlineData(RequestFormat.OpenAIChatCompletions, "/v1/chat/completions")]
    public async Task InFormat_EachBuiltInFormat_SentToItsPathAndScored(RequestFormat format, string path)
    {
        await using var app = await App.StartAsync(testServer: true);

        var result = await SimulatedTraffic.Create().Organic(2).Campaign(1, Campaigns.AgenticHarvest).InFormat(format).MaxRequests(30)
            .SendAsync(app.Client, app.Time, app.Services);

        Assert.All(app.Paths, p => Assert.Equal(path, p));
        Assert.All(result.Exchanges, e => Assert.True(e.Decision?.IsScored, $"request {e.Index} of {e.Population} was not scored"));
    }

    [Fact]
    public async Task WithPath_HostRoute_RequestsGoThere()
    {
        await using var app = await App.StartAsync(testServer: true);

        var result = await SimulatedTraffic.Create().Organic(2).InFormat(RequestFormat.OpenAIChatCompletions)
            .WithPath(RequestFormat.OpenAIChatCompletions, "/v1/responses").MaxRequests(5).SendAsync(app.Client, app.Time);

        Assert.Equal(5, result.Exchanges.Count);
        Assert.All(app.Paths, p => Assert.Equal("/v1/responses", p));
    }

    [Fact]
    public async Task WithCredential_HostScheme_UsedInsteadOfBearer()
    {
        await using var app = await App.StartAsync(App.Policy(shadow: false), testServer: true);

        var result = await SimulatedTraffic.Create().Organic(2).MaxRequests(10)
            .WithCredential((request, account) => request.Headers.Add("x-api-key", "key-" + account))
            .SendAsync(app.Client, app.Time, app.Services);

        Assert.All(result.Exchanges, e => Assert.Equal(200, e.StatusCode));
        Assert.All(result.Exchanges, e => Assert.True(e.Decision?.IsScored));
    }

    [Fact]
    public async Task SendAsync_WindowWithoutRequests_ThrowsInsteadOfPassingEmpty()
    {
        await using var app = await App.StartAsync(testServer: true);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            SimulatedTraffic.Create().Organic(1).Over(TimeSpan.FromSeconds(1)).SendAsync(app.Client, app.Time));

        Assert.Contains("Over(", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_NothingAdded_Throws()
    {
        await using var app = await App.StartAsync(testServer: true);

        await Assert.ThrowsAsync<InvalidOperationException>(() => SimulatedTraffic.Create().SendAsync(app.Client, app.Time));
    }

    [Fact]
    public async Task Indexer_PopulationThatSentNothing_ThrowsNamingTheOthers()
    {
        await using var app = await App.StartAsync(testServer: true);
        var result = await SimulatedTraffic.Create().Organic(2).MaxRequests(5).SendAsync(app.Client, app.Time);

        var error = Assert.Throws<KeyNotFoundException>(() => result[Campaigns.Hydra]);

        Assert.Contains("organic_casual", error.Message, StringComparison.Ordinal);
    }
}
