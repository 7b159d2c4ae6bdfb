using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace AntiDistill.AspNetCore.Tests.Capture;

/// <summary>Capture behind a real Kestrel: what reaches the files, and that a stalled or failing writer never reaches the requests.</summary>
public class CaptureMiddlewareTests
{
    private static Task<TestHost> StartAsync(Action<RequestCaptureOptions> configure, Action<IAntiDistillationBuilder>? more = null) =>
        TestHost.StartAsync(Settings.Always(AntiDistillationAction.Allow, shadow: true), b =>
        {
            b.AddRequestCapture(configure);
            more?.Invoke(b);
        });

    private static MetricCollector<long> Dropped(TestHost host) =>
        new(host.Services.GetRequiredService<IMeterFactory>(), AntiDistillationMetrics.MeterName, "antidistill.capture.dropped");

    private static long DroppedFor(MetricCollector<long> dropped, string reason) =>
        dropped.GetMeasurementSnapshot().Where(m => (string?)m.Tags["antidistill.reason"] == reason).Sum(m => m.Value);

    [Fact]
    public async Task Request_ScoredAndServed_OneLineWithServedUsage()
    {
        using var folder = new CaptureFolder();
        await using (var host = await StartAsync(o => o.Directory = folder.Path))
        {
            using var response = await host.PostAsync(Bodies.ChatPath, Bodies.Chat());
            Assert.True(response.IsSuccessStatusCode);
            await host.App.StopAsync();
        }

        string line = Assert.Single(folder.Lines());
        using var json = System.Text.Json.JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.Equal("2026-03-02T09:00:00.000Z", root.GetProperty("ts").GetString());
        Assert.Equal(Bodies.ChatPath, root.GetProperty("path").GetString());
        Assert.Equal(200, root.GetProperty("status").GetInt32());
        Assert.True(root.GetProperty("output_tokens").GetInt32() > 0, "the canned API reports usage, which the observer read");
        Assert.Equal(16, root.GetProperty("account").GetString()!.Length);
        Assert.Equal(4000, root.GetProperty("body").GetProperty("max_completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Writer_HostRunning_WritesWithinAMomentOnItsOwnThread()
    {
        using var folder = new CaptureFolder();
        await using var host = await StartAsync(o => o.Directory = folder.Path);
        bool? onPool = null;
        host.Services.GetRequiredService<RequestCapture>().BeforeWrite = () => onPool = Thread.CurrentThread.IsThreadPoolThread;
        using var written = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), AntiDistillationMetrics.MeterName, "antidistill.capture.written");

        using var response = await host.PostAsync(Bodies.ChatPath, Bodies.Chat());
        Assert.True(response.IsSuccessStatusCode);

        // Without a stop to flush it: the writer's own pause (20 ms) brings the record out; 10 s is the bound, not the expectation.
        var clock = Stopwatch.StartNew();
        while (written.GetMeasurementSnapshot().Sum(m => m.Value) == 0 && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20);
        }

        Assert.Equal(1, written.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.False(onPool, "the writer blocks on file IO and must not hold or wake a thread-pool thread");
    }

    [Fact]
    public async Task Request_WriterStalledQueueFull_DropsCountedRequestsNotDelayed()
    {
        using var folder = new CaptureFolder();
        using var gate = new ManualResetEventSlim(false);
        const int requests = 40, capacity = 4;
        long dropped;
        await using (var host = await StartAsync(o => (o.Directory, o.QueueCapacity) = (folder.Path, capacity)))
        {
            host.Services.GetRequiredService<RequestCapture>().BeforeWrite = () => gate.Wait(TimeSpan.FromSeconds(30));
            using var drops = Dropped(host);
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < requests; i++)
            {
                using var response = await host.PostAsync(Bodies.ChatPath, Bodies.Chat($"question {i}"));
                Assert.True(response.IsSuccessStatusCode);
            }

            // The writer holds one record at its gate and the queue four: every other request went through without waiting.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"{requests} requests took {clock.Elapsed}");
            dropped = DroppedFor(drops, "queue_full");
            Assert.InRange(dropped, requests - capacity - 1, requests - capacity);
            gate.Set();
            await host.App.StopAsync();
        }

        Assert.Equal(requests - dropped, folder.Lines().Count);
    }

    [Fact]
    public async Task Request_DirectoryUnwritable_DropsCountedOneLogLineHostServes()
    {
        using var folder = new CaptureFolder();
        Directory.CreateDirectory(folder.Path);
        string blocked = Path.Combine(folder.Path, "a-file");
        await File.WriteAllTextAsync(blocked, "not a directory");
        var logs = new FakeLogCollector();
        const int requests = 12;
        await using var host = await StartAsync(o => o.Directory = Path.Combine(blocked, "capture"),
            b => b.Services.AddSingleton<ILoggerProvider>(new FakeLoggerProvider(logs)));
        using var drops = Dropped(host);

        for (int i = 0; i < requests; i++)
        {
            host.Time.Advance(TimeSpan.FromSeconds(1)); // past the writer's pause now and then: it tries again, fails again
            using var response = await host.PostAsync(Bodies.ChatPath, Bodies.Chat($"question {i}"));
            Assert.True(response.IsSuccessStatusCode);
        }

        await host.App.StopAsync();
        Assert.Equal(requests, DroppedFor(drops, "io_error"));
        var failures = logs.GetSnapshot().Where(r => r.Id.Name == "CaptureWriteFailed").ToList();
        Assert.Single(failures); // within a minute: one line, however many records failed
        Assert.False(Directory.Exists(Path.Combine(blocked, "capture")));
    }

    [Fact]
    public async Task Request_BodyOverLimit_DroppedAsTooLargeOthersWritten()
    {
        using var folder = new CaptureFolder();
        await using (var host = await StartAsync(o => (o.Directory, o.MaxBodyBytes) = (folder.Path, 1000)))
        {
            using var drops = Dropped(host);
            using var small = await host.PostAsync(Bodies.ChatPath, Bodies.Chat("short"));
            using var large = await host.PostAsync(Bodies.ChatPath, Bodies.Chat(new string('x', 2000)));
            Assert.True(small.IsSuccessStatusCode && large.IsSuccessStatusCode);
            Assert.Equal(1, DroppedFor(drops, "too_large"));
            await host.App.StopAsync();
        }

        Assert.Single(folder.Lines());
    }

    [Fact]
    public async Task Request_ScoredThenBlocked_LineWithoutServedHalf()
    {
        using var folder = new CaptureFolder();
        await using (var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Block), b => b.AddRequestCapture(o => o.Directory = folder.Path)))
        {
            using var response = await host.PostAsync(Bodies.ChatPath, Bodies.Chat());
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, response.StatusCode);
            await host.App.StopAsync();
        }

        // The engine observed the request and was told of no response: neither is the replay.
        using var json = System.Text.Json.JsonDocument.Parse(Assert.Single(folder.Lines()));
        Assert.True(json.RootElement.TryGetProperty("body", out _));
        Assert.False(json.RootElement.TryGetProperty("status", out _));
        Assert.False(json.RootElement.TryGetProperty("output_tokens", out _));
    }

    [Fact]
    public async Task Request_BodyNotJson_NotScoredNotCaptured()
    {
        using var folder = new CaptureFolder();
        await using (var host = await StartAsync(o => o.Directory = folder.Path))
        {
            using var unscored = await host.PostAsync("/echo/chat/completions", "this is not JSON");
            using var scored = await host.PostAsync("/echo/chat/completions", Bodies.Chat());
            Assert.True(unscored.IsSuccessStatusCode && scored.IsSuccessStatusCode);
            await host.App.StopAsync();
        }

        // The engine never saw the first: a replay must not score it either.
        Assert.Single(folder.Lines());
    }

    [Theory]
    [InlineData(nameof(RequestCaptureOptions.Directory), "Directory is required")]
    [InlineData(nameof(RequestCaptureOptions.RotateEvery), "RotateEvery must be between")]
    [InlineData(nameof(RequestCaptureOptions.MaxTotalBytes), "MaxTotalBytes must be at least MaxFileBytes")]
    [InlineData(nameof(RequestCaptureOptions.MaxBodyBytes), "MaxBodyBytes must not exceed MaxQueueBytes")]
    public async Task AddRequestCapture_InvalidOptions_HostFailsToStartSayingWhy(string field, string message)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(o =>
        {
            o.Directory = "/tmp/unused";
            if (field == nameof(RequestCaptureOptions.Directory))
            {
                o.Directory = null;
            }
            else if (field == nameof(RequestCaptureOptions.RotateEvery))
            {
                o.RotateEvery = TimeSpan.FromSeconds(5);
            }
            else if (field == nameof(RequestCaptureOptions.MaxTotalBytes))
            {
                o.MaxTotalBytes = o.MaxFileBytes - 1;
            }
            else
            {
                o.MaxBodyBytes = (int)o.MaxQueueBytes + 1;
            }
        }));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
