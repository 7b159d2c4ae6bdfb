using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AntiDistill.AspNetCore.Tests.Endpoints;

public class EndpointMetadataTests
{
    private static readonly Dictionary<string, string?> BlockingDefault = Settings.Always(AntiDistillationAction.Block);

    [Fact]
    public async Task DisableAntiDistillation_OnAClaimedPath_NotScored()
    {
        await using var host = await TestHost.StartAsync(BlockingDefault,
            map: app => app.MapPost("/free/chat/completions", TestHost.EchoAsync).DisableAntiDistillation());

        using var response = await host.PostAsync("/free/chat/completions", Bodies.Chat());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("none", response.Headers.GetValues("X-Body-Status").Single());
    }

    [Fact]
    public async Task DisableAttribute_OnAHandler_NotScored()
    {
        await using var host = await TestHost.StartAsync(BlockingDefault,
            map: app => app.MapPost("/attr/chat/completions", [DisableAntiDistillation] (HttpContext context) => TestHost.EchoAsync(context)));

        using var response = await host.PostAsync("/attr/chat/completions", Bodies.Chat());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task RequireAntiDistillation_OnAnUnclaimedPath_ScoredUnderThatPolicy()
    {
        var settings = Settings.Policy("strict", shadow: false, (0, AntiDistillationAction.Block));
        await using var host = await TestHost.StartAsync(settings,
            map: app => app.MapPost("/custom/generate", TestHost.EchoAsync).RequireAntiDistillation("strict"));

        using var response = await host.PostAsync("/custom/generate", Bodies.Chat());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task RequireAttribute_NamesPolicyCaseInsensitively()
    {
        var settings = Settings.Policy("Strict", shadow: false, (0, AntiDistillationAction.Block));
        await using var host = await TestHost.StartAsync(settings,
            map: app => app.MapPost("/attr/generate", [RequireAntiDistillation("strict")] (HttpContext context) => TestHost.EchoAsync(context)));

        using var response = await host.PostAsync("/attr/generate", Bodies.Chat());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task UnmarkedEndpoint_PathNoFormatClaims_NotScored()
    {
        await using var host = await TestHost.StartAsync(BlockingDefault);

        using var response = await host.PostAsync("/other", Bodies.Chat());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("none", response.Headers.GetValues("X-Body-Status").Single());
    }

    [Fact]
    public async Task UnmarkedEndpoints_ScoringOff_ClaimedPathNotScored()
    {
        await using var host = await TestHost.StartAsync(BlockingDefault.With("AntiDistillation:Http:ScoreUnmarkedEndpoints", "false"));

        using var response = await host.PostAsync(Bodies.ChatPath, Bodies.Chat());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task RequireAntiDistillation_UnknownPolicy_FallsBackToDefaultPolicy()
    {
        await using var host = await TestHost.StartAsync(BlockingDefault,
            map: app => app.MapPost("/typo/generate", TestHost.EchoAsync).RequireAntiDistillation("no-such-policy"));

        using var response = await host.PostAsync("/typo/generate", Bodies.Chat());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task GetRequest_ToClaimedPath_NotScored()
    {
        await using var host = await TestHost.StartAsync(BlockingDefault, map: app => app.MapGet("/v2/chat/completions", () => "listing"));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/chat/completions");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "sk-get");
        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
