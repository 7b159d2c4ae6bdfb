using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;

namespace AntiDistill.AspNetCore.Tests.Resolvers;

/// <summary>Requests without a credential, or with two that disagree, on a real Kestrel server (issue 16, items 1 and 2).</summary>
public class CredentialPolicyTests
{
    private const string Echo = "/echo/chat/completions";
    private const string Bearer = "sk-authenticated-by-the-upstream";

    [Fact]
    public async Task ConflictingKeys_FreshHeaderKeyEveryRequestUnderEnforcingPolicy_AllRefused()
    {
        // The walk-around: a valid Bearer key for the upstream, plus a fresh x-api-key each time so that every request
        // used to be scored as a new, harmless account. The README's settings read both sources.
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Challenge).With("AntiDistillation:Http:ApiKeyHeader", "x-api-key"));

        int served = 0;
        for (int i = 0; i < 20; i++)
        {
            using var request = Request(bearer: Bearer, header: $"sk-random-{Guid.NewGuid():N}");
            using var response = await host.Client.SendAsync(request);
            served += response.StatusCode == HttpStatusCode.OK ? 1 : 0;
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("conflicting-credentials", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(0, served);
        Assert.Equal(0, host.Services.GetRequiredService<DistillationEngine>().TrackedAccounts);
    }

    [Fact]
    public async Task ConflictingKeys_ScoreAsAuthorization_OneAccountAccumulates()
    {
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Annotate)
            .WithPolicy("default", "ConflictingCredentials", "ScoreAsAuthorization"));

        for (int i = 0; i < 5; i++)
        {
            using var response = await host.Client.SendAsync(Request(bearer: Bearer, header: $"sk-random-{i}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var engine = host.Services.GetRequiredService<DistillationEngine>();
        Assert.True(engine.TryAssess(engine.Identities.Account(Bearer), out var assessment));
        Assert.Equal(5, assessment.Requests);
        Assert.Equal(1, engine.TrackedAccounts);
    }

    [Fact]
    public async Task SameKeyInBothHeaders_NotAConflict_Served()
    {
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Annotate));

        using var response = await host.Client.SendAsync(Request(bearer: Bearer, header: Bearer));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Ok", response.Headers.GetValues("X-Body-Status").Single());
    }

    [Fact]
    public async Task NoCredential_EnforcingPolicyByDefault_Refused401()
    {
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Annotate));

        using var response = await host.Client.SendAsync(Request(bearer: null, header: null));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("credential-required", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoCredential_Allow_LetThroughUnscored()
    {
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Block).WithPolicy("default", "MissingCredential", "Allow"));

        using var response = await host.Client.SendAsync(Request(bearer: null, header: null));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("none", response.Headers.GetValues("X-Body-Status").Single());
        Assert.Equal(0, host.Services.GetRequiredService<DistillationEngine>().TrackedAccounts);
    }

    [Theory]
    [InlineData(false, "ScoreByNetwork")]
    [InlineData(true, null)] // shadow mode's default
    public async Task NoCredential_ScoreByNetwork_OnePseudoAccountPerNetworkPrefix(bool shadow, string? handling)
    {
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Annotate, shadow)
            .WithPolicy("default", "MissingCredential", handling));

        foreach (string client in new[] { "203.0.113.7", "203.0.113.99", "198.51.100.4" })
        {
            using var request = Request(bearer: null, header: null);
            request.Headers.Add("X-Forwarded-For", client);
            using var response = await host.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("Ok", response.Headers.GetValues("X-Body-Status").Single());
        }

        var engine = host.Services.GetRequiredService<DistillationEngine>();
        var network = CallerResolver.NetworkAccount(engine.Identities.IpPrefix(IPAddress.Parse("203.0.113.1")));
        Assert.True(engine.TryAssess(network, out var assessment));
        Assert.Equal(2, assessment.Requests);
        Assert.Equal(2, engine.TrackedAccounts);
    }

    private static HttpRequestMessage Request(string? bearer, string? header)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Echo) { Content = new StringContent(Bodies.Chat(), System.Text.Encoding.UTF8, "application/json") };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (header is not null)
        {
            request.Headers.Add("x-api-key", header);
        }

        return request;
    }
}
