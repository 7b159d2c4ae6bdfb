using System.Net;
using Microsoft.AspNetCore.Builder;

namespace AntiDistill.AspNetCore.Tests.Policies;

public class HotReloadTests
{
    [Fact]
    public async Task Reload_ShadowTurnedOff_NextRequestBlocked()
    {
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Block, shadow: true));
        using var before = await host.PostAsync(Bodies.ChatPath, Bodies.Chat());

        host.Reload(new Dictionary<string, string?> { ["AntiDistillation:Http:Policies:default:Shadow"] = "false" });
        using var after = await host.PostAsync(Bodies.ChatPath, Bodies.Chat());

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, after.StatusCode);
    }

    [Fact]
    public async Task Reload_BandActionChanged_NewActionApplies()
    {
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Block));
        using var before = await host.PostAsync(Bodies.ChatPath, Bodies.Chat());

        host.Reload(new Dictionary<string, string?> { ["AntiDistillation:Http:Policies:default:Bands:0:Action"] = "Allow" });
        using var after = await host.PostAsync(Bodies.ChatPath, Bodies.Chat());

        Assert.Equal(HttpStatusCode.Forbidden, before.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Reload_NewPolicyAdded_EndpointNamingItUsesIt()
    {
        await using var host = await TestHost.StartAsync(map: app => app.MapPost("/later/generate", TestHost.EchoAsync).RequireAntiDistillation("later"));
        using var before = await host.PostAsync("/later/generate", Bodies.Chat());

        host.Reload(Settings.Policy("later", shadow: false, (0, AntiDistillationAction.Challenge)));
        using var after = await host.PostAsync("/later/generate", Bodies.Chat());

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, after.StatusCode);
    }

    [Fact]
    public async Task Reload_InvalidValue_LastValidPolicyKeepsServing()
    {
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Block));

        // The options monitor validates on reload and throws to whoever fired the reload; requests must not see it.
        var thrown = Record.Exception(() => host.Reload(new Dictionary<string, string?>
        {
            ["AntiDistillation:Http:Policies:default:Bands:0:MinRisk"] = "7",
            ["AntiDistillation:Http:Policies:default:Bands:0:Action"] = "Allow",
        }));
        using var after = await host.PostAsync(Bodies.ChatPath, Bodies.Chat());

        Assert.NotNull(thrown);
        Assert.Equal(HttpStatusCode.Forbidden, after.StatusCode);
    }
}
