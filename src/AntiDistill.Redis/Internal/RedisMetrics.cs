using System.Diagnostics.Metrics;

namespace AntiDistill.Redis.Internal;

/// <summary>The Redis instruments on the <c>AntiDistill</c> meter; tags are low-cardinality (never an account).</summary>
internal sealed class RedisMetrics
{
    public const string MeterName = AntiDistillationTelemetry.MeterName;

    private readonly Counter<long> _synced;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _fallbacks;

    public RedisMetrics(IMeterFactory? factory, Func<double> lagSeconds)
    {
        var meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        _synced = meter.CreateCounter<long>("antidistill.redis.sync.accounts", "{account}", "Accounts pushed to or pulled from Redis.");
        _failures = meter.CreateCounter<long>("antidistill.redis.failures", "{call}", "Redis calls that failed, timed out, or were not sent (circuit open, or an earlier call overdue).");
        _fallbacks = meter.CreateCounter<long>("antidistill.redis.limit.fallbacks", "{call}", "Rate-limit calls served without Redis (local bucket, or refused when failing closed).");
        meter.CreateObservableGauge("antidistill.redis.sync.lag", lagSeconds, "s", "Time since this node last completed a sync with Redis.");
    }

    public void Pushed(int accounts) => _synced.Add(accounts, new KeyValuePair<string, object?>("direction", "push"));

    public void Pulled(int accounts) => _synced.Add(accounts, new KeyValuePair<string, object?>("direction", "pull"));

    public void Failed(string operation) => _failures.Add(1, new KeyValuePair<string, object?>("operation", operation));

    public void FellBack(RedisFailureMode mode) => _fallbacks.Add(1, new KeyValuePair<string, object?>("mode", mode == RedisFailureMode.FailOpen ? "local" : "rejected"));
}
