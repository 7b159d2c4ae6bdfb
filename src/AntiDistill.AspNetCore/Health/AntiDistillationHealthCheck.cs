using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace AntiDistill.AspNetCore;

/// <summary>
/// Whether this node's detection keeps up, beside the Redis check: the background linkage runs (a pass completed within
/// <see cref="StaleAfter"/>, else unhealthy: clusters stop forming, and a restart is what helps) and keeps up (backlog
/// under half the queue, no request dropped from linkage within <see cref="StaleAfter"/>, else degraded); every
/// indicator feed was read good within twice its refresh interval plus its timeout and its latest read did not fail
/// (else degraded: the previous good content stays in use, so the node still serves and scores).
/// </summary>
internal sealed class AntiDistillationHealthCheck(
    DistillationEngine engine,
    AntiDistillationOptions engineOptions,
    HttpOptionsSnapshot? http,
    LinkageStatus? linkage,
    IndicatorFeedStatus? feeds,
    IEnumerable<IndicatorFeedName> feedNames,
    IOptionsMonitor<IndicatorFeedOptions>? feedOptions,
    TimeProvider time) : IHealthCheck
{
    /// <summary>Ten linkage intervals, at least 30 seconds: a pass that late means the loop is stuck or starved.</summary>
    internal static TimeSpan StaleAfter(TimeSpan linkageInterval) => TimeSpan.FromTicks(Math.Max(linkageInterval.Ticks * 10, TimeSpan.FromSeconds(30).Ticks));

    /// <summary>Registers the check as <see cref="AntiDistillationBuilderExtensions.HealthCheckName"/> once, however many features ask for it.</summary>
    internal static void Register(IServiceCollection services)
    {
        // The abstractions have no AddHealthChecks; hosts that call it get the check through these options (as for Redis).
        services.AddOptions<HealthCheckServiceOptions>();
        services.Configure<HealthCheckServiceOptions>(static o =>
        {
            if (!o.Registrations.Any(r => r.Name == AntiDistillationBuilderExtensions.HealthCheckName))
            {
                o.Registrations.Add(new HealthCheckRegistration(
                    AntiDistillationBuilderExtensions.HealthCheckName,
                    static sp => new AntiDistillationHealthCheck(
                        sp.GetRequiredService<DistillationEngine>(),
                        sp.GetRequiredService<IOptions<AntiDistillationOptions>>().Value,
                        sp.GetService<HttpOptionsSnapshot>(),
                        sp.GetService<LinkageStatus>(),
                        sp.GetService<IndicatorFeedStatus>(),
                        sp.GetServices<IndicatorFeedName>(),
                        sp.GetService<IOptionsMonitor<IndicatorFeedOptions>>(),
                        sp.GetService<TimeProvider>() ?? TimeProvider.System),
                    failureStatus: null,
                    tags: ["antidistill"]));
            }
        });
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["accounts"] = engine.TrackedAccounts,
            ["clusters"] = engine.ClusterCount,
        };
        var status = HealthStatus.Healthy;
        var problems = new List<string>();

        if (engineOptions.Linkage.Enabled && http is not null && linkage is { Started: true })
        {
            var stale = StaleAfter(http.Current.LinkageInterval);
            var sinceLastPass = linkage.SinceLastPass;
            int backlog = engine.LinkageBacklog, capacity = engine.LinkageQueueCapacity;
            data["linkage_last_pass_seconds"] = sinceLastPass.TotalSeconds;
            data["linkage_backlog"] = backlog;
            data["linkage_capacity"] = capacity;
            data["linkage_dropped"] = engine.LinkageDropped;
            if (sinceLastPass > stale)
            {
                status = HealthStatus.Unhealthy;
                problems.Add($"no linkage pass for {sinceLastPass.TotalSeconds:0} s");
            }
            else if (backlog >= capacity / 2)
            {
                status = Worse(status, HealthStatus.Degraded);
                problems.Add($"linkage backlog {backlog} of {capacity}");
            }
            else if (linkage.SinceLastDrop is { } sinceDrop && sinceDrop <= stale)
            {
                status = Worse(status, HealthStatus.Degraded);
                problems.Add($"requests dropped from linkage {sinceDrop.TotalSeconds:0} s ago");
            }
        }

        if (feeds is not null && feedOptions is not null)
        {
            var now = time.GetUtcNow();
            var names = feedNames.Select(n => n.Name).Distinct(StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
            foreach (var (name, feed) in feeds.Feeds)
            {
                if (!names.Contains(name))
                {
                    continue;
                }

                var options = feedOptions.Get(name);
                var staleAfter = (2 * options.RefreshInterval) + options.Timeout;
                if (feed.LastGood is { } good)
                {
                    data[$"feed.{name}.last_good_seconds"] = (now - good).TotalSeconds;
                }

                if (feed.FailedReason is { } reason)
                {
                    data[$"feed.{name}.failure"] = reason;
                    status = Worse(status, HealthStatus.Degraded);
                    problems.Add(feed.LastGood is null ? $"feed '{name}' never read good ({reason})" : $"feed '{name}' failing ({reason}), previous content in use");
                }
                else if (feed.LastGood is { } last && now - last > staleAfter)
                {
                    status = Worse(status, HealthStatus.Degraded);
                    problems.Add($"feed '{name}' not read for {(now - last).TotalMinutes:0} min");
                }
            }
        }

        return Task.FromResult(status == HealthStatus.Healthy
            ? HealthCheckResult.Healthy("Linkage keeps up; indicator feeds fresh.", data)
            : new HealthCheckResult(status, string.Join("; ", problems) + ".", data: data));
    }

    private static HealthStatus Worse(HealthStatus a, HealthStatus b) => a < b ? a : b;
}
