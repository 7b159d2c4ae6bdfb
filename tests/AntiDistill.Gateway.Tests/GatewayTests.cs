using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace AntiDistill.Gateway.Tests;

/// <summary>The YARP gateway sample with AntiDistill on its pipeline, in front of a streaming model server stand-in.</summary>
public sealed class GatewayTests
{
    [Theory]
    [InlineData(Traffic.ChatPath)]
    [InlineData(Traffic.ResponsesPath)]
    [InlineData(Traffic.MessagesPath)]
    public async Task Proxy_OrganicStream_PassedThroughByteForByte(string path)
    {
        await using var gateway = await GatewayHost.StartAsync();

        using var response = await gateway.PostAsync(path, Traffic.Organic(path, 1, stream: true), "key-organic");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(StubUpstream.Expected(path, stream: true), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Proxy_CampaignReplayedThroughTheGateway_RefusedWhileOrganicKeepsTheir200s()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var engine = gateway.Services.GetRequiredService<DistillationEngine>();
        const int accounts = 6, rounds = 10;
        var lastCampaignStatus = new HttpStatusCode[accounts];
        int campaignServed = 0;

        for (int round = 0; round < rounds; round++)
        {
            for (int a = 0; a < accounts; a++)
            {
                string path = Traffic.Paths[a % Traffic.Paths.Length];
                using (var organic = await gateway.PostAsync(path, Traffic.Organic(path, round), $"key-organic-{a}"))
                {
                    Assert.True(organic.StatusCode == HttpStatusCode.OK, $"organic account {a}, round {round}: {(int)organic.StatusCode} {await organic.Content.ReadAsStringAsync()}");
                }

                using var harvest = await gateway.PostAsync(path, Traffic.Harvest(path, round), $"key-campaign-{a}");
                lastCampaignStatus[a] = harvest.StatusCode;
                campaignServed += harvest.StatusCode == HttpStatusCode.OK ? 1 : 0;
            }

            // Linkage keeps up between rounds, as the background service does on an idle machine: on a loaded one its
            // 50 ms timer fell rounds behind the request loop, and the count below read anywhere from 24 to 51 of 60.
            engine.ProcessLinkage();
        }

        // Every campaign account is refused (throttled or challenged) by the end, and most of its requests never reached the model.
        Assert.All(lastCampaignStatus, status => Assert.True(status is HttpStatusCode.TooManyRequests or HttpStatusCode.Forbidden, status.ToString()));
        // 24 of 60 with linkage in step (6 runs of 6); buckets refill in real time, so a slow machine lets a few more through.
        Assert.True(campaignServed <= accounts * rounds * 3 / 4, $"{campaignServed} of {accounts * rounds} harvest requests served");
        Assert.Equal((accounts * rounds) + campaignServed, gateway.Upstream.Requests);
    }

    [Fact]
    public async Task Proxy_RouteMarkedDisabled_PassesWithoutACredentialWhileScoredRoutesRefuseIt()
    {
        await using var gateway = await GatewayHost.StartAsync();

        using var models = await gateway.Client.GetAsync(new Uri("/v1/models/m-large", UriKind.Relative));
        using var chat = await gateway.Client.PostAsync(new Uri(Traffic.ChatPath, UriKind.Relative), new StringContent(Traffic.Organic(Traffic.ChatPath, 0)));

        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, chat.StatusCode); // enforce: a request without a credential is refused
        Assert.Equal(0, gateway.Upstream.Requests); // the refused one never reached the model
    }

    [Fact]
    public async Task Proxy_RouteMetadataReloaded_TheNewPolicyApplies()
    {
        await using var gateway = await GatewayHost.StartAsync();
        using (var before = await gateway.Client.PostAsync(new Uri(Traffic.ChatPath, UriKind.Relative), new StringContent(Traffic.Organic(Traffic.ChatPath, 0))))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, before.StatusCode);
        }

        gateway.Reload("ReverseProxy:Routes:chat:Metadata:AntiDistillation", RoutePolicies.Disabled);

        // YARP applies a reload asynchronously: poll, bounded.
        HttpStatusCode status = HttpStatusCode.Unauthorized;
        for (int i = 0; i < 50 && status != HttpStatusCode.OK; i++)
        {
            using var after = await gateway.Client.PostAsync(new Uri(Traffic.ChatPath, UriKind.Relative), new StringContent(Traffic.Organic(Traffic.ChatPath, 0)));
            status = after.StatusCode;
            if (status != HttpStatusCode.OK)
            {
                await Task.Delay(50);
            }
        }

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Proxy_UpstreamAnswers503_PassedOnWithItsBody()
    {
        await using var gateway = await GatewayHost.StartAsync();

        using var response = await gateway.PostAsync(Traffic.ChatPath, Traffic.Organic(Traffic.ChatPath, 0), "key-organic", stub: "503");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("overloaded", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proxy_UpstreamDown_502AndTheGatewayKeepsServing()
    {
        // A port nothing listens on: bind one, note it, release it.
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var gateway = await GatewayHost.StartAsync(upstreamOverride: new Uri($"http://127.0.0.1:{port}/"));

        using var first = await gateway.PostAsync(Traffic.ChatPath, Traffic.Organic(Traffic.ChatPath, 0), "key-organic");
        using var second = await gateway.PostAsync(Traffic.MessagesPath, Traffic.Organic(Traffic.MessagesPath, 1), "key-organic");

        Assert.Equal(HttpStatusCode.BadGateway, first.StatusCode);
        Assert.Equal(HttpStatusCode.BadGateway, second.StatusCode);
    }

    [Theory]
    [InlineData(Traffic.ChatPath)]
    [InlineData(Traffic.MessagesPath)]
    public async Task Proxy_UpstreamDiesMidStream_ClientSeesATruncatedStreamAndTheGatewayKeepsServing(string path)
    {
        await using var gateway = await GatewayHost.StartAsync();

        using (var dying = await gateway.PostAsync(path, Traffic.Organic(path, 0, stream: true), "key-organic", stub: "die"))
        {
            Assert.Equal(HttpStatusCode.OK, dying.StatusCode); // headers were already sent
            string received = await ReadWhatArrivesAsync(dying);
            Assert.True(received.Length < StubUpstream.Expected(path, stream: true).Length);
            Assert.StartsWith(received, StubUpstream.Expected(path, stream: true), StringComparison.Ordinal);
        }

        using var next = await gateway.PostAsync(path, Traffic.Organic(path, 1, stream: true), "key-organic");
        Assert.Equal(StubUpstream.Expected(path, stream: true), await next.Content.ReadAsStringAsync());
    }

    private static async Task<string> ReadWhatArrivesAsync(HttpResponseMessage response)
    {
        var stream = await response.Content.ReadAsStreamAsync();
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (HttpRequestException)
        {
            // The gateway aborts the client's response when the upstream dies: what arrived before is what counts.
        }
        catch (IOException)
        {
        }

        return System.Text.Encoding.UTF8.GetString(received.ToArray());
    }
}
