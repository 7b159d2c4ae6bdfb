using AntiDistill;
using AntiDistill.RateLimiting;
using AntiDistill.Redis;
using AntiDistill.Redis.Health;
using AntiDistill.Redis.Internal;
using AntiDistill.Redis.RateLimiting;
using AntiDistill.Redis.Sync;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Shares AntiDistill's state and rate limits across nodes through Redis.</summary>
public static class RedisStateBuilderExtensions
{
    /// <summary>The name of the health check <c>AddRedisState</c> registers.</summary>
    public const string HealthCheckName = "antidistill-redis";

    /// <summary>
    /// Shares state through Redis: turns on the engine's replication, runs a background sync every
    /// <see cref="RedisStateOptions.SyncInterval"/>, replaces the rate limiter's <see cref="ITokenBucketStore"/> with
    /// buckets in Redis (whether <c>AddRiskRateLimiter</c> comes before or after), and adds a health check named
    /// <see cref="HealthCheckName"/>. Redis is <see cref="RedisStateOptions.ConnectionString"/> when set, else the
    /// <see cref="IConnectionMultiplexer"/> registered in DI.
    /// </summary>
    public static IAntiDistillationBuilder AddRedisState(this IAntiDistillationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptionsWithValidateOnStart<RedisStateOptions>();

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisStateOptions>, RedisStateOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisStateOptions>, RedisStateOptionsCrossValidator>());
        services.Configure<AntiDistillationOptions>(static o => o.Replication.Enabled = true);
        services.TryAddSingleton(TimeProvider.System);

        services.TryAddSingleton(static sp =>
        {
            var options = sp.GetRequiredService<IOptions<RedisStateOptions>>().Value;
            return options.ConnectionString is { Length: > 0 } cs
                ? new RedisConnection(cs, options)
                : new RedisConnection(sp.GetService<IConnectionMultiplexer>()
                    ?? throw new InvalidOperationException("AddRedisState needs RedisStateOptions.ConnectionString or an IConnectionMultiplexer in DI."));
        });
        services.TryAddSingleton(static sp => new RedisResilience(
            sp.GetRequiredService<RedisConnection>(),
            sp.GetRequiredService<IOptions<RedisStateOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            Logger(sp, "AntiDistill.Redis")));
        services.TryAddSingleton(static sp =>
        {
            var synchronizer = new Lazy<RedisStateSynchronizer>(() => sp.GetRequiredService<RedisStateSynchronizer>());
            return new RedisMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>(), () => synchronizer.Value.Lag.TotalSeconds);
        });
        services.TryAddSingleton(static sp => new RedisStateSynchronizer(
            sp.GetRequiredService<DistillationEngine>(),
            sp.GetRequiredService<RedisConnection>(),
            sp.GetRequiredService<RedisResilience>(),
            sp.GetRequiredService<RedisMetrics>(),
            sp.GetRequiredService<IOptions<RedisStateOptions>>().Value,
            sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService(static sp => new RedisStateSyncService(
            sp.GetRequiredService<RedisStateSynchronizer>(),
            sp.GetRequiredService<IOptions<RedisStateOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<RedisStateSyncService>>() ?? NullLogger<RedisStateSyncService>.Instance));

        services.RemoveAll<ITokenBucketStore>();
        services.AddSingleton<ITokenBucketStore>(static sp =>
        {
            var options = sp.GetRequiredService<IOptions<RedisStateOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            var localOptions = sp.GetService<IOptions<RiskRateLimiterOptions>>()?.Value.InMemoryStore ?? new InMemoryTokenBucketStoreOptions();
            return new RedisTokenBucketStore(
                sp.GetRequiredService<RedisConnection>(),
                sp.GetRequiredService<RedisResilience>(),
                sp.GetRequiredService<RedisMetrics>(),
                options,
                new InMemoryTokenBucketStore(localOptions, time),
                sp.GetRequiredService<DistillationEngine>(),
                Logger(sp, "AntiDistill.Redis"));
        });

        services.AddHealthChecksIfAbsent();
        services.Configure<HealthCheckServiceOptions>(static o =>
        {
            if (!o.Registrations.Any(r => r.Name == HealthCheckName))
            {
                o.Registrations.Add(new HealthCheckRegistration(
                    HealthCheckName,
                    static sp => new RedisStateHealthCheck(
                        sp.GetRequiredService<RedisStateSynchronizer>(),
                        sp.GetRequiredService<RedisResilience>(),
                        sp.GetRequiredService<IOptions<RedisStateOptions>>().Value),
                    failureStatus: null,
                    tags: ["antidistill", "redis"]));
            }
        });
        return builder;
    }

    /// <summary>Shares state through Redis (see <see cref="AddRedisState(IAntiDistillationBuilder)"/>) with options set in code.</summary>
    /// <remarks>Not an optional parameter of the overload above: two overloads with optional parameters cannot both grow one later without breaking callers (RS0026).</remarks>
    public static IAntiDistillationBuilder AddRedisState(this IAntiDistillationBuilder builder, Action<RedisStateOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        builder.AddRedisState();
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Shares state through the Redis at <paramref name="connectionString"/> (see <see cref="AddRedisState(IAntiDistillationBuilder)"/>).</summary>
    public static IAntiDistillationBuilder AddRedisState(this IAntiDistillationBuilder builder, string connectionString, Action<RedisStateOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.AddRedisState(o =>
        {
            o.ConnectionString = connectionString;
            configure?.Invoke(o);
        });
    }

    /// <summary>Shares state through Redis with options bound from a configuration section (e.g. <c>AntiDistillation:Redis</c>).</summary>
    public static IAntiDistillationBuilder AddRedisState(this IAntiDistillationBuilder builder, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        builder.AddRedisState();
        builder.Services.AddOptions<RedisStateOptions>().Bind(section);
        return builder;
    }

    private static ILogger Logger(IServiceProvider sp, string category) =>
        sp.GetService<ILoggerFactory>()?.CreateLogger(category) ?? NullLogger.Instance;

    private static void AddHealthChecksIfAbsent(this IServiceCollection services)
    {
        // The abstractions package has no AddHealthChecks; hosts that call it get the check through these options.
        services.AddOptions<HealthCheckServiceOptions>();
    }
}
