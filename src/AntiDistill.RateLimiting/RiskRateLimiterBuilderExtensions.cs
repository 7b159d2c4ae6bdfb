using AntiDistill.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="RiskRateLimiter"/> on the AntiDistill builder.</summary>
public static class RiskRateLimiterBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="RiskRateLimiter"/> (singleton, options validated on start and reloaded through
    /// <see cref="IOptionsMonitor{TOptions}"/>), an <see cref="InMemoryTokenBucketStore"/> unless another
    /// <see cref="ITokenBucketStore"/> is registered (e.g. by <c>AddRedisState</c>, before or after this call), and
    /// <see cref="Utf8LengthTokenEstimator"/> as <see cref="ITokenEstimator"/> unless another is registered.
    /// </summary>
    public static IAntiDistillationBuilder AddRiskRateLimiter(this IAntiDistillationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptionsWithValidateOnStart<RiskRateLimiterOptions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RiskRateLimiterOptions>, RiskRateLimiterOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ITokenEstimator>(Utf8LengthTokenEstimator.Instance);
        services.TryAddSingleton<ITokenBucketStore>(static sp => new InMemoryTokenBucketStore(
            sp.GetRequiredService<IOptions<RiskRateLimiterOptions>>().Value.InMemoryStore,
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(static sp =>
        {
            var monitor = sp.GetRequiredService<IOptionsMonitor<RiskRateLimiterOptions>>();
            var limiter = new RiskRateLimiter(monitor.CurrentValue, sp.GetRequiredService<ITokenBucketStore>(), sp.GetService<ILogger<RiskRateLimiter>>());
            limiter.TrackReload(monitor.OnChange(limiter.Configure));
            return limiter;
        });
        return builder;
    }

    /// <summary>Registers the limiter with options bound from a configuration section (e.g. <c>AntiDistillation:RateLimiting</c>).</summary>
    public static IAntiDistillationBuilder AddRiskRateLimiter(this IAntiDistillationBuilder builder, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        builder.AddRiskRateLimiter();
        builder.Services.AddOptions<RiskRateLimiterOptions>().Bind(section);
        return builder;
    }

    /// <summary>Registers the limiter with options set in code.</summary>
    public static IAntiDistillationBuilder AddRiskRateLimiter(this IAntiDistillationBuilder builder, Action<RiskRateLimiterOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        builder.AddRiskRateLimiter();
        builder.Services.Configure(configure);
        return builder;
    }
}
