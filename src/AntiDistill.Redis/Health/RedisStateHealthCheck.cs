using AntiDistill.Redis.Internal;
using AntiDistill.Redis.Sync;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AntiDistill.Redis.Health;

/// <summary>
/// Reports whether this node shares state through Redis: healthy while syncs complete within
/// <see cref="RedisStateOptions.HealthyLag"/>; otherwise degraded when failing open (the node still serves, on local
/// state and limits) and unhealthy when failing closed (shared limits refuse requests). Data: lag and circuit state.
/// </summary>
internal sealed class RedisStateHealthCheck(RedisStateSynchronizer synchronizer, RedisResilience resilience, RedisStateOptions options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var lag = synchronizer.Lag;
        var data = new Dictionary<string, object>
        {
            ["lag_seconds"] = lag.TotalSeconds,
            ["circuit_open"] = resilience.IsOpen,
            ["failure_mode"] = options.FailureMode.ToString(),
        };

        if (lag <= options.HealthyLag && !resilience.IsOpen)
        {
            return Task.FromResult(HealthCheckResult.Healthy("Redis reachable; state in sync.", data));
        }

        string description = $"Redis unreachable or behind: last sync {lag.TotalSeconds:0.0} s ago, circuit {(resilience.IsOpen ? "open" : "closed")}.";
        return Task.FromResult(options.FailureMode == RedisFailureMode.FailOpen
            ? HealthCheckResult.Degraded(description, data: data)
            : HealthCheckResult.Unhealthy(description, data: data));
    }
}
