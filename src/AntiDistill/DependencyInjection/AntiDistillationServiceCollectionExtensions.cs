using AntiDistill;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the AntiDistill engine.</summary>
public static class AntiDistillationServiceCollectionExtensions
{
    /// <summary>Registers the engine with default options (or whatever other registrations configure).</summary>
    public static IAntiDistillationBuilder AddAntiDistillation(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptionsWithValidateOnStart<AntiDistillationOptions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AntiDistillationOptions>, AntiDistillationOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AntiDistillationOptions>, AntiDistillationOptionsCrossValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(PromptFeatureExtractor.Default);
        services.TryAddSingleton(static sp => new DistillationEngine(
            sp.GetRequiredService<IOptions<AntiDistillationOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<PromptFeatureExtractor>()));
        return new AntiDistillationBuilder(services);
    }

    /// <summary>Registers the engine with options bound from a configuration section (e.g. <c>AntiDistillation</c>).</summary>
    public static IAntiDistillationBuilder AddAntiDistillation(this IServiceCollection services, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var builder = services.AddAntiDistillation();
        services.AddOptions<AntiDistillationOptions>().Bind(section);
        return builder;
    }

    /// <summary>Registers the engine with options set in code.</summary>
    public static IAntiDistillationBuilder AddAntiDistillation(this IServiceCollection services, Action<AntiDistillationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = services.AddAntiDistillation();
        services.Configure(configure);
        return builder;
    }

    private sealed class AntiDistillationBuilder(IServiceCollection services) : IAntiDistillationBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
