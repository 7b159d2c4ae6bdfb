using AntiDistill.AspNetCore;

namespace AntiDistill.Gateway;

/// <summary>Builds the gateway: YARP routes from configuration, AntiDistill between routing and the proxy.</summary>
public static class GatewayApp
{
    /// <summary>The gateway for <paramref name="args"/>, with a hook for tests to add configuration before it is built.</summary>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);

        builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));
        var antiDistillation = builder.Services.AddAntiDistillation(builder.Configuration.GetSection("AntiDistillation")).AddAspNetCore();

        // Gateway:Capture=<directory> writes every scored request as request-log v1 for `antidistill analyze`
        // (docs/capture.md; the rest of its options from AntiDistillation:Capture). benchmarks/gateway measures its cost.
        if (builder.Configuration["Gateway:Capture"] is { Length: > 0 } capture)
        {
            antiDistillation.AddRequestCapture(o => o.Directory = capture);
        }

        var app = builder.Build();
        app.UseForwardedHeaders();

        // Routing runs first (WebApplication adds it), so the middleware sees which route matched and its policy;
        // the proxy is the endpoint, so the middleware wraps what it streams back.
        // Gateway:Scoring=false runs the same proxy without the middleware (benchmarks/gateway compares the two).
        if (app.Configuration.GetValue("Gateway:Scoring", defaultValue: true))
        {
            app.UseAntiDistillation();
        }

        app.MapReverseProxy().WithAntiDistillationPolicies();
        app.MapGet("/healthz", () => "ok").DisableAntiDistillation();
        return app;
    }
}
