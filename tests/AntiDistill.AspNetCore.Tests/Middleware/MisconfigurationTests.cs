using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace AntiDistill.AspNetCore.Tests.Middleware;

/// <summary>Misconfiguration is said out loud, not silently tolerated (issue 16, item 12).</summary>
public class MisconfigurationTests
{
    [Fact]
    public async Task UseAntiDistillation_BeforeUseRouting_LogsOnceThatEndpointPoliciesAreIgnored()
    {
        var logs = new FakeLogCollector();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs));
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AntiDistillation:IdentityKey"] = TestHost.IdentityKey,
            ["AntiDistillation:Http:Policies:enforce:Shadow"] = "false",
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddAntiDistillation(builder.Configuration.GetSection("AntiDistillation")).AddAspNetCore();
        await using var app = builder.Build();
        app.UseAntiDistillation(); // wrong: routing has not picked the endpoint yet
        app.UseRouting();
        app.MapPost("/v1/chat/completions", () => "ok").RequireAntiDistillation("enforce");
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()) };

        for (int i = 0; i < 3; i++)
        {
            using var response = await client.SendAsync(TestHost.Post(Bodies.ChatPath, Bodies.Chat()));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await app.StopAsync();
        var misordered = Assert.Single(logs.GetSnapshot(), r => r.Id.Name == "RoutingAfterMiddleware");
        Assert.Equal(LogLevel.Error, misordered.Level);
    }

    [Fact]
    public async Task UseAntiDistillation_AfterUseRouting_NoMisorderReported()
    {
        var logs = new FakeLogCollector();
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Annotate), DecisionLogTests.Capture(logs),
            map: app => app.MapPost("/strict/generate", TestHost.EchoAsync).RequireAntiDistillation("default"));

        (await host.PostAsync("/no/such/path/chat/completions", Bodies.Chat())).Dispose(); // no endpoint at all: nothing to report
        (await host.PostAsync("/strict/generate", Bodies.Chat())).Dispose();

        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Id.Name == "RoutingAfterMiddleware");
    }

    [Fact]
    public async Task Reload_InvalidValue_LoggedAsAnErrorNamingTheField()
    {
        var logs = new FakeLogCollector();
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Block), DecisionLogTests.Capture(logs));

        _ = Record.Exception(() => host.Reload(new Dictionary<string, string?> { ["AntiDistillation:Http:Policies:default:Bands:0:MinRisk"] = "1.5" }));

        var rejected = Assert.Single(logs.GetSnapshot(), r => r.Id.Name == "ReloadRejected");
        Assert.Equal(LogLevel.Error, rejected.Level);
        Assert.Contains("MinRisk", rejected.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Feature_BodyNotScored_AssessmentNullAndNotScored()
    {
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Allow),
            map: app => app.MapPost("/probe/chat/completions", (HttpContext context) =>
            {
                var feature = context.Features.Get<IAntiDistillationFeature>()!;
                return $"{feature.IsScored}|{feature.Assessment is null}|{feature.BodyStatus}";
            }));

        using var bad = await host.PostAsync("/probe/chat/completions", "{not json");
        using var good = await host.PostAsync("/probe/chat/completions", Bodies.Chat());

        Assert.Equal("False|True|NotJson", await bad.Content.ReadAsStringAsync());
        Assert.Equal("True|False|Ok", await good.Content.ReadAsStringAsync());
    }
}
