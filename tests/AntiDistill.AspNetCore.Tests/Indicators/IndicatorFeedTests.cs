using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace AntiDistill.AspNetCore.Tests.Indicators;

public sealed class IndicatorFeedTests
{
    private static readonly DateTimeOffset Now = TestHost.Start;

    [Fact]
    public async Task Refresh_UrlFeed_LoadsThenRevalidatesWithETag()
    {
        await using var server = await FeedServer.StartAsync();
        server.Body = Bundle("64500");
        using var feeds = Feeds(("a", o => Url(o, server)));

        await feeds.RefreshAsync();
        Assert.Equal(1, feeds.Engine.Indicators.Count);
        var first = feeds.Engine.Indicators;

        feeds.Time.Advance(TimeSpan.FromMinutes(1));
        await feeds.RefreshAsync();
        Assert.Equal(2, server.Requests);
        Assert.Equal(1, server.ConditionalRequests);
        Assert.Same(first, feeds.Engine.Indicators); // 304: nothing recompiled

        server.ETag = "\"v2\"";
        server.Body = Bundle("64500", "64501");
        feeds.Time.Advance(TimeSpan.FromMinutes(1));
        await feeds.RefreshAsync();
        Assert.Equal(2, feeds.Engine.Indicators.Count);
    }

    [Fact]
    public async Task Refresh_SeveralFeeds_AllActiveEachWithItsTrust()
    {
        string path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, Bundle("64500"));
            await using var server = await FeedServer.StartAsync();
            server.Body = Bundle("64501");
            using var feeds = Feeds(("file", o => { o.Path = path; o.Trust = 0.5; }), ("url", o => Url(o, server)));

            await feeds.RefreshAsync();

            var set = feeds.Engine.Indicators;
            Assert.Equal(2, set.Count);
            float Strength(uint asn) => set.Match(default, new ClientAttributes { Asn = asn }, Now.ToUnixTimeMilliseconds()).Strength;
            Assert.True(Strength(64501) > 0);
            Assert.Equal(0.5f * Strength(64501), Strength(64500), 0.0001f);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("not_json")]
    [InlineData("invalid_stix")]
    [InlineData("unknown_patterns")]
    [InlineData("expired")]
    [InlineData("oversized")]
    [InlineData("timeout")]
    [InlineData("unreadable")]
    public async Task Refresh_BadFeedAfterGoodOne_RejectedWithOneLogLineAndMetricPreviousStays(string reason)
    {
        await using var server = await FeedServer.StartAsync();
        server.Body = Bundle("64500");
        using var feeds = Feeds(("a", o =>
        {
            Url(o, server);
            o.MaxBytes = 100_000;
            o.Timeout = TimeSpan.FromSeconds(3); // room for a cold first fetch on a busy machine; the slow server below waits 30 s
        }));
        using var rejections = new MetricCollector<long>(feeds.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), AntiDistillationMetrics.MeterName, "antidistill.indicator_feed.rejections");
        await feeds.RefreshAsync();
        var good = feeds.Engine.Indicators;
        Assert.Equal(1, good.Count);

        server.ETag = "\"bad\"";
        server.Handler = reason switch
        {
            "not_json" => Serve("{ this is not json"u8.ToArray()),
            "invalid_stix" => Serve("{\"type\":\"bundle\",\"id\":\"bundle--x\",\"objects\":[]}"u8.ToArray()),
            "unknown_patterns" => Serve(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Bundle("64500")).Replace("autonomous-system:number", "file:size", StringComparison.Ordinal))),
            "expired" => Serve(Bundle("64500", until: Now.AddDays(-30))),
            "oversized" => Serve(new byte[200_000]),
            "timeout" => async context => await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted),
            _ => context => { context.Response.StatusCode = 500; return Task.CompletedTask; },
        };
        feeds.Time.Advance(TimeSpan.FromMinutes(1));
        await feeds.RefreshAsync();

        Assert.Same(good, feeds.Engine.Indicators);
        var line = Assert.Single(feeds.Logs.GetSnapshot(), r => r.Id.Name == "IndicatorFeedRejected");
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains($"({reason})", line.Message, StringComparison.Ordinal);
        var metric = Assert.Single(rejections.GetMeasurementSnapshot());
        Assert.Equal(reason, metric.Tags["reason"]);
    }

    [Fact]
    public async Task Host_FeedUnreachable_StartsAndServes()
    {
        await using var host = await TestHost.StartAsync(configure: b => b.AddIndicatorFeed("down", o =>
        {
            o.Url = new Uri("http://127.0.0.1:9/feed");
            o.AllowInsecureHttp = true;
            o.Timeout = TimeSpan.FromMilliseconds(200);
        }));

        using var response = await host.PostAsync(Bodies.ChatPath, Bodies.Chat());

        Assert.True(TestHost.IsSuccess(response.StatusCode));
        Assert.Equal(0, host.Services.GetRequiredService<DistillationEngine>().Indicators.Count);
    }

    [Theory]
    [InlineData("http://feeds.example/bundle.json", false, "https")]
    [InlineData(null, false, "exactly one")]
    public void Options_InsecureOrMissingSource_FailValidation(string? url, bool allowHttp, string message)
    {
        var services = new ServiceCollection();
        services.AddAntiDistillation().AddIndicatorFeed("x", o =>
        {
            o.Url = url is null ? null : new Uri(url);
            o.AllowInsecureHttp = allowHttp;
        });
        using var provider = services.BuildServiceProvider();
        var monitor = provider.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<IndicatorFeedOptions>>();
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => monitor.Get("x"));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    private static void Url(IndicatorFeedOptions options, FeedServer server)
    {
        options.Url = server.Url;
        options.AllowInsecureHttp = true; // loopback in tests; production feeds are https
        options.RefreshInterval = TimeSpan.FromMinutes(1);
    }

    private static Func<HttpContext, Task> Serve(byte[] body) => async context => await context.Response.Body.WriteAsync(body, context.RequestAborted);

    private static byte[] Bundle(string asn, string? second = null, DateTimeOffset? until = null)
    {
        var indicators = new List<Indicator> { Make(asn, until) };
        if (second is not null)
        {
            indicators.Add(Make(second, until));
        }

        return StixBundleWriter.ToUtf8(new IndicatorBundle
        {
            Producer = "Provider A",
            Created = Now.AddDays(-40),
            Campaigns = [new IndicatorCampaign { Name = "c-0001", Indicators = indicators }],
        });
    }

    private static Indicator Make(string asn, DateTimeOffset? until) => new()
    {
        Id = StixBundleWriter.IndicatorId("Provider A", IndicatorKind.Asn, asn),
        Producer = "Provider A",
        Kind = IndicatorKind.Asn,
        Value = asn,
        Confidence = 90,
        ValidFrom = Now.AddDays(-40),
        ValidUntil = until ?? Now.AddDays(30),
    };

    private static FeedHarness Feeds(params (string Name, Action<IndicatorFeedOptions> Configure)[] feeds)
    {
        var logs = new FakeLogCollector();
        var time = new FakeTimeProvider(Now);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Debug).AddProvider(new FakeLoggerProvider(logs)));
        var builder = services.AddAntiDistillation(o => o.IdentityKey = TestHost.IdentityKey);
        foreach (var (name, configure) in feeds)
        {
            builder.AddIndicatorFeed(name, configure);
        }

        return new FeedHarness(services.BuildServiceProvider(), time, logs);
    }

    private sealed class FeedHarness(ServiceProvider services, FakeTimeProvider time, FakeLogCollector logs) : IDisposable
    {
        public ServiceProvider Services { get; } = services;

        public FakeTimeProvider Time { get; } = time;

        public FakeLogCollector Logs { get; } = logs;

        public DistillationEngine Engine => Services.GetRequiredService<DistillationEngine>();

        /// <summary>One pass of the feed service (what its loop does when a feed is due), without the background loop.</summary>
        public Task RefreshAsync() =>
            Services.GetServices<IHostedService>().OfType<IndicatorFeedService>().Single().RefreshDueAsync(CancellationToken.None);

        public void Dispose() => Services.Dispose();
    }
}
