using AntiDistill;
using AntiDistill.AspNetCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Indicator feeds (STIX 2.1 bundles from other providers, see docs/indicators.md) hung off the engine's builder. Each
/// call adds one named feed; any number can be added, each with its own trust. A feed that cannot be read or is bad is
/// rejected with one log line and the <c>antidistill.indicator_feed.rejections</c> metric, and the previous good one
/// stays: the host never fails to start or serve because of a feed.
/// </summary>
public static class IndicatorFeedBuilderExtensions
{
    /// <summary>Adds a feed whose options are configured elsewhere (e.g. <c>services.Configure&lt;IndicatorFeedOptions&gt;(name, ...)</c>).</summary>
    public static IAntiDistillationBuilder AddIndicatorFeed(this IAntiDistillationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var services = builder.Services;
        services.AddOptions<IndicatorFeedOptions>(name).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IndicatorFeedOptions>, IndicatorFeedOptionsRangeValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IndicatorFeedOptions>, IndicatorFeedOptionsValidator>());
        services.AddSingleton(new IndicatorFeedName(name));
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<IndicatorMatchOptions>();
        services.TryAddSingleton<IndicatorFeedMetrics>();
        services.TryAddSingleton<IndicatorFeedStatus>();
        AntiDistillationHealthCheck.Register(services);
        services.AddMetrics();
        if (!services.Any(d => d.ImplementationType == typeof(IndicatorFeedService)))
        {
            services.AddHostedService<IndicatorFeedService>();
        }

        return builder;
    }

    /// <summary>Adds a feed with options bound from a configuration section (<c>Path</c> or <c>Url</c>, <c>Trust</c>, ...).</summary>
    public static IAntiDistillationBuilder AddIndicatorFeed(this IAntiDistillationBuilder builder, string name, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        builder.AddIndicatorFeed(name);
        builder.Services.AddOptions<IndicatorFeedOptions>(name).Bind(section);
        return builder;
    }

    /// <summary>Adds a feed with options set in code.</summary>
    public static IAntiDistillationBuilder AddIndicatorFeed(this IAntiDistillationBuilder builder, string name, Action<IndicatorFeedOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        builder.AddIndicatorFeed(name);
        builder.Services.Configure(name, configure);
        return builder;
    }
}
