using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AntiDistill.AspNetCore.Tests.Health;

public class AntiDistillationHealthCheckTests
{
    private const string Feed = "partner";

    private static readonly IndicatorFeedOptions FeedOptions = new()
    {
        Path = "feed.json",
        RefreshInterval = TimeSpan.FromMinutes(15),
        Timeout = TimeSpan.FromSeconds(30),
    };

    private sealed class Node
    {
        public Node(int queueCapacity = 65_536)
        {
            Options = new AntiDistillationOptions { Linkage = { QueueCapacity = queueCapacity } };
            Engine = new DistillationEngine(Options, Time);
            Linkage = new LinkageStatus(Time);
            Linkage.Start();
        }

        public FakeTimeProvider Time { get; } = new(TestHost.Start);

        public AntiDistillationOptions Options { get; }

        public DistillationEngine Engine { get; }

        public LinkageStatus Linkage { get; }

        public IndicatorFeedStatus Feeds { get; } = new();

        /// <summary>What the linkage service does on each tick.</summary>
        public void Pass()
        {
            Engine.ProcessLinkage();
            Linkage.Completed(Engine.LinkageDropped);
        }

        public void Observe(int requests)
        {
            for (int i = 0; i < requests; i++)
            {
                Engine.Observe(new Observation { Account = new AccountId((ulong)i + 1), Prompt = "hello there"u8, TurnCount = 1 });
            }
        }

        public HealthCheckResult Check()
        {
            var http = new HttpOptionsSnapshot(new Monitor<AntiDistillationHttpOptions>(new AntiDistillationHttpOptions()), NullLogger<HttpOptionsSnapshot>.Instance);
            var check = new AntiDistillationHealthCheck(Engine, Options, http, Linkage, Feeds, [new IndicatorFeedName(Feed)],
                new Monitor<IndicatorFeedOptions>(FeedOptions), Time);
            return check.CheckHealthAsync(new HealthCheckContext()).GetAwaiter().GetResult();
        }
    }

    [Fact]
    public void CheckHealth_LinkagePassedAMomentAgo_Healthy()
    {
        var node = new Node();
        node.Observe(10);
        node.Pass();
        node.Time.Advance(TimeSpan.FromSeconds(1));

        var result = node.Check();

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(0, result.Data["linkage_backlog"]);
        Assert.Equal(10, result.Data["accounts"]);
    }

    [Fact]
    public void CheckHealth_NoLinkagePassForLongerThanThirtySeconds_Unhealthy()
    {
        var node = new Node();
        node.Pass();
        node.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(HealthStatus.Healthy, node.Check().Status);

        node.Time.Advance(TimeSpan.FromSeconds(2));
        var result = node.Check();

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("no linkage pass", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckHealth_LoopStartedButNeverPassed_UnhealthyOnceStale()
    {
        var node = new Node();
        node.Time.Advance(TimeSpan.FromSeconds(31));

        Assert.Equal(HealthStatus.Unhealthy, node.Check().Status);
    }

    [Fact]
    public void CheckHealth_BacklogOverHalfTheQueue_Degraded()
    {
        var node = new Node(queueCapacity: 16);
        node.Pass();
        node.Observe(9);

        var result = node.Check();

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal(9, result.Data["linkage_backlog"]);
    }

    [Fact]
    public void CheckHealth_RequestsDroppedFromLinkage_DegradedUntilAQuietStaleWindow()
    {
        var node = new Node(queueCapacity: 4);
        node.Observe(10); // 6 dropped
        node.Pass();
        Assert.Equal(HealthStatus.Degraded, node.Check().Status);

        for (int i = 0; i < 31; i++)
        {
            node.Time.Advance(TimeSpan.FromSeconds(1));
            node.Pass();
        }

        Assert.Equal(HealthStatus.Healthy, node.Check().Status);
    }

    [Fact]
    public void CheckHealth_FeedLatestReadFailed_DegradedNotUnhealthy()
    {
        var node = new Node();
        node.Pass();
        node.Feeds.Good(Feed, node.Time.GetUtcNow());
        node.Feeds.Failed(Feed, "timeout", node.Time.GetUtcNow());

        var result = node.Check();

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal("timeout", result.Data[$"feed.{Feed}.failure"]);
    }

    [Fact]
    public void CheckHealth_FeedGoodWithinTwoIntervals_HealthyThenDegradedWhenStale()
    {
        var node = new Node();
        node.Feeds.Good(Feed, node.Time.GetUtcNow());
        node.Time.Advance(TimeSpan.FromMinutes(30)); // two refresh intervals: still within interval x2 + timeout
        node.Pass();
        Assert.Equal(HealthStatus.Healthy, node.Check().Status);

        node.Time.Advance(TimeSpan.FromSeconds(31));
        node.Pass();
        var result = node.Check();

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("not read", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckHealth_FeedFailedThenLoaded_Healthy()
    {
        var node = new Node();
        node.Pass();
        node.Feeds.Failed(Feed, "unreadable", node.Time.GetUtcNow());
        node.Feeds.Good(Feed, node.Time.GetUtcNow());

        Assert.Equal(HealthStatus.Healthy, node.Check().Status);
    }

    [Fact]
    public async Task AddAspNetCore_HostWithHealthChecks_RegistersTheCheckOnce()
    {
        await using var host = await TestHost.StartAsync(configure: b =>
        {
            b.Services.AddHealthChecks();
            b.AddAspNetCore(); // a second call must not add a second registration
        });
        (await host.PostAsync(Bodies.ChatPath, Bodies.Chat())).Dispose();

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var entry = Assert.Single(report.Entries, e => e.Key == AntiDistillationBuilderExtensions.HealthCheckName).Value;
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Contains("antidistill", entry.Tags);
    }

    private sealed class Monitor<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;

        public T Get(string? name) => value;

        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }
}
