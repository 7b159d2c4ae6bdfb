using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AntiDistill.Gateway.Tests;

/// <summary>
/// The gateway sample as shipped (its appsettings.json: routes, per-route policies, bands) on a real Kestrel on
/// 127.0.0.1, forwarding to a <see cref="StubUpstream"/>; settings can be overridden and reloaded like a config change.
/// </summary>
internal sealed class GatewayHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly MemoryConfigurationProvider _overrides;

    private GatewayHost(WebApplication app, StubUpstream upstream, HttpClient client)
    {
        _app = app;
        Upstream = upstream;
        Client = client;
        _overrides = ((IConfigurationRoot)app.Configuration).Providers.OfType<MemoryConfigurationProvider>().Last();
    }

    public StubUpstream Upstream { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<GatewayHost> StartAsync(IDictionary<string, string?>? settings = null, Uri? upstreamOverride = null,
        Action<WebApplicationBuilder>? configure = null)
    {
        var upstream = await StubUpstream.StartAsync();
        string shipped = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        Assert.True(File.Exists(shipped), "the gateway sample's appsettings.json must be copied next to the tests");
        var app = GatewayApp.Create([], builder =>
        {
            builder.Logging.ClearProviders();
            builder.Configuration.Sources.Clear();
            builder.Configuration.AddJsonFile(shipped, optional: false, reloadOnChange: false);
            var overrides = new Dictionary<string, string?>
            {
                ["ReverseProxy:Clusters:model:Destinations:local:Address"] = (upstreamOverride ?? upstream.Address).ToString(),
                ["AntiDistillation:Http:LinkageInterval"] = "00:00:00.050",
            };
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                overrides[key] = value;
            }

            builder.Configuration.AddInMemoryCollection(overrides);
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
        return new GatewayHost(app, upstream, client);
    }

    /// <summary>Changes one setting and reloads the configuration, as editing appsettings.json would.</summary>
    public void Reload(string key, string? value)
    {
        _overrides.Set(key, value);
        ((IConfigurationRoot)_app.Configuration).Reload();
    }

    public async Task<HttpResponseMessage> PostAsync(string path, string body, string apiKey, string? stub = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("x-api-key", apiKey);
        if (stub is not null)
        {
            request.Headers.Add("x-stub", stub);
        }

        return await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
