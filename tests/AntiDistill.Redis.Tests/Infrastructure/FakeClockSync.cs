using Microsoft.Extensions.Time.Testing;

namespace AntiDistill.Redis.Tests.Infrastructure;

/// <summary>
/// Drives the background sync of nodes that share one <see cref="FakeTimeProvider"/>: the sync loop waits for the
/// fake clock, so moving the clock starts a cycle, and a node whose last successful cycle is at the current fake
/// instant (lag zero) has finished it. Waiting for that before the clock moves again keeps every sync from seeing
/// the clock jump under it (its time limit would fire), so a replay is the same run after run.
/// </summary>
internal static class FakeClockSync
{
    /// <summary>Moves the clock to <paramref name="to"/> (if later) and waits until every node has completed a sync there.</summary>
    public static async Task MoveAndSyncAsync(FakeTimeProvider time, DateTimeOffset to, params KestrelNode[] nodes)
    {
        if (to > time.GetUtcNow())
        {
            time.SetUtcNow(to);
        }

        await SyncedAsync(time, nodes);
    }

    /// <summary>
    /// Waits (bounded: 30 s of real time) until every node's last sync completed at the current fake instant. A node
    /// whose loop had not yet armed its next delay when the clock moved is nudged by one sync interval.
    /// </summary>
    public static async Task SyncedAsync(FakeTimeProvider time, params KestrelNode[] nodes)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var interval = nodes.Max(n => n.RedisOptions.SyncInterval);
        int polls = 0;
        while (nodes.Any(n => n.Synchronizer.Lag > TimeSpan.Zero))
        {
            Assert.True(DateTime.UtcNow < deadline, "the nodes did not complete a sync within 30 s: " +
                string.Join(", ", nodes.Select(n => $"lag {n.Synchronizer.Lag}")));
            await Task.Delay(1);
            if (++polls % 50 == 0)
            {
                time.Advance(interval);
            }
        }
    }
}
