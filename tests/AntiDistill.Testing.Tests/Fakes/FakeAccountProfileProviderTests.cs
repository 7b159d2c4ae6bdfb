using AntiDistill.AspNetCore;
using Microsoft.Extensions.DependencyInjection;

namespace AntiDistill.Testing.Tests.Fakes;

public class FakeAccountProfileProviderTests
{
    [Fact]
    public async Task GetProfileAsync_KnownKey_ProfileFoldsKeysIntoOneAccountAndLookupRecorded()
    {
        // Two API keys of one customer: the profile's canonical id makes them one account to the engine.
        var profiles = new FakeAccountProfileProvider()
            .Add("key-a", new AccountProfile { AccountId = "customer-1", Organization = "org-1" })
            .Add("key-b", new AccountProfile { AccountId = "customer-1", Organization = "org-1" });
        await using var app = await App.StartAsync(configure: b => b.AddAccountProfiles(profiles), testServer: true);

        using var first = await app.Client.SendAsync(Chat("key-a", 1));
        using var second = await app.Client.SendAsync(Chat("key-b", 2));

        Assert.True(first.IsSuccessStatusCode);
        Assert.True(second.IsSuccessStatusCode);
        Assert.Equal(["key-a", "key-b"], profiles.Lookups.Select(l => l.ApiKey));
        Assert.All(profiles.Lookups, l => Assert.True(l.Found));
        var recorder = app.Services.GetRequiredService<AntiDistillationTestRecorder>();
        Assert.Equal(recorder.Take(1)!.Account, recorder.Take(2)!.Account);
    }

    [Fact]
    public async Task Fail_ScriptedOutage_RequestStillScoredAndServedWithoutProfile()
    {
        var profiles = new FakeAccountProfileProvider().Add("key-a", new AccountProfile { AccountId = "customer-1" }).Fail(new TimeoutException("db down"));
        await using var app = await App.StartAsync(configure: b => b.AddAccountProfiles(profiles), testServer: true);

        using var response = await app.Client.SendAsync(Chat("key-a", 1));

        Assert.True(response.IsSuccessStatusCode);
        var lookup = Assert.Single(profiles.Lookups);
        Assert.True(lookup.Failed);
        Assert.True(app.Services.GetRequiredService<AntiDistillationTestRecorder>().Take(1)?.IsScored);
    }

    [Fact]
    public async Task Fail_OnlyForOneKey_OtherKeysAnswered()
    {
        var profiles = new FakeAccountProfileProvider()
            .Add("key-a", new AccountProfile { AccountId = "a" })
            .Add("key-b", new AccountProfile { AccountId = "b" })
            .Fail(new InvalidOperationException("bad row"), key => key == "key-a");
        await using var app = await App.StartAsync(configure: b => b.AddAccountProfiles(profiles), testServer: true);

        using var a = await app.Client.SendAsync(Chat("key-a"));
        using var b = await app.Client.SendAsync(Chat("key-b"));

        Assert.Equal([true, false], profiles.Lookups.Select(l => l.Failed));
        Assert.Equal([false, true], profiles.Lookups.Select(l => l.Found && !l.Failed));
    }

    internal static HttpRequestMessage Chat(string apiKey, int index = 0)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"m","messages":[{"role":"user","content":"What is the capital of France?"}]}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        request.Headers.Add(AntiDistillationTestRecorder.RequestHeader, index.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return request;
    }
}
