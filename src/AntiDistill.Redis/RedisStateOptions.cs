using System.ComponentModel.DataAnnotations;

namespace AntiDistill.Redis;

/// <summary>Options of <c>AddRedisState</c>: where Redis is, how keys are named, how often nodes sync, and what happens when Redis fails.</summary>
public sealed class RedisStateOptions
{
    /// <summary>The configuration section these options bind from by default.</summary>
    public const string SectionName = "AntiDistillation:Redis";

    /// <summary>
    /// A StackExchange.Redis configuration string (e.g. <c>localhost:6379</c>). Default null: an
    /// <c>IConnectionMultiplexer</c> registered in DI is used instead; one of the two is required.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Prefix of every key, so several deployments can share one Redis. Letters, digits, <c>-</c>, <c>_</c>, <c>.</c>
    /// and <c>:</c> only (no braces: hash tags are added by the library). Default <c>antidistill</c>.
    /// </summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.:-]{1,64}$")]
    public string KeyPrefix { get; set; } = "antidistill";

    /// <summary>How often a node pushes its changes and pulls the others'. Between 10 ms and 1 minute. Default 250 ms.</summary>
    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long an account's contributions live in Redis after its last change (refreshed on every push), and the
    /// change feed with them. At least a minute. Default 1 day.
    /// </summary>
    public TimeSpan StateTimeToLive { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Accounts pushed or pulled per pipelined batch. Default 512.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 512;

    /// <summary>Change-feed entries kept in Redis (approximately); a node further behind misses older changes. Default 10,000.</summary>
    [Range(100, 10_000_000)]
    public int ChangeFeedLength { get; set; } = 10_000;

    /// <summary>
    /// Time limit of one rate-limit call to Redis, after which the call counts as failed and is served locally. It bounds
    /// what a request spends on Redis in all: settles are not awaited, and while a call is unanswered past it, the
    /// calls after it do not wait. Default 100 ms.
    /// </summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Time limit of one sync batch. Default 2 seconds.</summary>
    public TimeSpan SyncTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>What rate limits do while Redis fails. Default <see cref="RedisFailureMode.FailOpen"/>.</summary>
    public RedisFailureMode FailureMode { get; set; } = RedisFailureMode.FailOpen;

    /// <summary>
    /// The circuit opens after this many timeouts in a row (rate-limit calls past <see cref="OperationTimeout"/>, sync
    /// batches past <see cref="SyncTimeout"/>), however many calls succeeded before: a hung Redis costs a timeout per
    /// call, which a failure ratio over <see cref="BreakerSamplingDuration"/> would let go on for seconds on a busy node.
    /// While a timed-out call stays unanswered, each further <see cref="OperationTimeout"/> counts as one more (a call
    /// sent then would queue behind it), so with the defaults a hung Redis opens the circuit about 300 ms after the first
    /// call it leaves unanswered, with one request having waited. Any call answered in time resets the count.
    /// Between 1 and 1,000. Default 3.
    /// </summary>
    [Range(1, 1_000)]
    public int BreakerConsecutiveTimeouts { get; set; } = 3;

    /// <summary>The circuit also opens when at least this share of calls failed within <see cref="BreakerSamplingDuration"/> (a Redis failing some calls, fast). Default 0.5.</summary>
    [Range(0.01, 1.0)]
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Calls needed within <see cref="BreakerSamplingDuration"/> before the circuit may open. Default 4.</summary>
    [Range(2, 100_000)]
    public int BreakerMinimumThroughput { get; set; } = 4;

    /// <summary>The window failures are counted in. At least 500 ms. Default 10 seconds.</summary>
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long an open circuit stays open before a background probe (a <c>PING</c> bounded by <see cref="OperationTimeout"/>)
    /// asks Redis again, and again after each failed probe; requests never wait for a probe. At least 500 ms. Default 2 seconds.
    /// </summary>
    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Sync lag above which the health check reports degraded. Default 10 seconds.</summary>
    public TimeSpan HealthyLag { get; set; } = TimeSpan.FromSeconds(10);
}
