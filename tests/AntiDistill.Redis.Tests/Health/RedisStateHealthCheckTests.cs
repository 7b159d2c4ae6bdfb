using AntiDistill.Redis.Internal;
using AntiDistill.Redis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace AntiDistill.Redis.Tests.Health;

/// <summary>
/// The <c>antidistill-redis</c> check through a Redis outage, on hosts whose sync runs on a fake clock: healthy while
/// syncs complete; degraded when failing open (the node still serves) and unhealthy when failing closed, once the
/// last sync is older than <see cref="RedisStateOptions.HealthyLag"/> or the circuit is open; healthy again after
/// Redis restarts.
/// </summary>
public class RedisStateHealthCheckTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [RedisFact]
    public async Task CheckHealth_RedisKilledThenRestarted_HealthyDegradedOrUnhealthyThenHealthy()
    {
        using var server = new RedisServer();
        var time = new FakeTimeProvider(Start);
        string prefix = TestNode.NewPrefix();
        await using var open = await KestrelNode.StartAsync(server.ConnectionString, new Dictionary<string, string?>(), o => o.KeyPrefix = prefix, time);
        await using var closed = await KestrelNode.StartAsync(server.ConnectionString, new Dictionary<string, string?>(),
            o =>
            {
                o.KeyPrefix = prefix;
                o.FailureMode = RedisFailureMode.FailClosed;
            },
            time);
        KestrelNode[] nodes = [open, closed];

        // Up: a sync completed at the current instant, circuit closed.
        await FakeClockSync.MoveAndSyncAsync(time, time.GetUtcNow().AddSeconds(1), nodes);
        foreach (var node in nodes)
        {
            var up = await node.RedisHealthAsync();
            Assert.Equal(HealthStatus.Healthy, up.Status);
            Assert.Equal(false, up.Data["circuit_open"]);
            Assert.Equal(0.0, (double)up.Data["lag_seconds"]);
        }

        // Down, last sync older than HealthyLag (the failing sync the move starts cannot make it newer).
        server.Kill();
        time.Advance(open.RedisOptions.HealthyLag + TimeSpan.FromSeconds(1));
        var degraded = await open.RedisHealthAsync();
        var unhealthy = await closed.RedisHealthAsync();
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Equal(HealthStatus.Unhealthy, unhealthy.Status);
        Assert.True((double)degraded.Data["lag_seconds"] > open.RedisOptions.HealthyLag.TotalSeconds);
        Assert.Equal("FailOpen", degraded.Data["failure_mode"]);
        Assert.Equal("FailClosed", unhealthy.Data["failure_mode"]);

        // Failing syncs open the circuit, which the check reports.
        await UntilAsync(time, nodes, () => nodes.All(n => n.Services.GetRequiredService<RedisResilience>().IsOpen), "the circuit did not open while Redis was down");
        Assert.Equal(true, (await open.RedisHealthAsync()).Data["circuit_open"]);
        Assert.Equal(HealthStatus.Degraded, (await open.RedisHealthAsync()).Status);
        Assert.Equal(HealthStatus.Unhealthy, (await closed.RedisHealthAsync()).Status);

        // Back: the breaker probes after its break, a sync completes, the circuit closes.
        server.Start();
        await UntilAsync(time, nodes, () => nodes.All(n => n.Synchronizer.Lag == TimeSpan.Zero && !n.Services.GetRequiredService<RedisResilience>().IsOpen),
            "the nodes did not sync again after Redis restarted");
        foreach (var node in nodes)
        {
            var back = await node.RedisHealthAsync();
            Assert.Equal(HealthStatus.Healthy, back.Status);
            Assert.Equal(false, back.Data["circuit_open"]);
        }
    }

    /// <summary>Moves the fake clock a sync interval at a time (each move starts a sync) until the condition holds, for at most 30 s of real time.</summary>
    private static async Task UntilAsync(FakeTimeProvider time, KestrelNode[] nodes, Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            time.Advance(nodes[0].RedisOptions.SyncInterval);
            await Task.Delay(20);
        }
    }
}
