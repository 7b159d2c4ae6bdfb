using System.Diagnostics.CodeAnalysis;
using AntiDistill;
using AntiDistill.AspNetCore;
using AntiDistill.RateLimiting;
using AntiDistill.Requests;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// The ASP.NET Core part of AntiDistill, hung off the engine's builder:
/// <code>
/// builder.Services.AddAntiDistillation(builder.Configuration.GetSection("AntiDistillation")).AddAspNetCore();
/// app.UseAntiDistillation(); // after UseRouting / UseAuthentication
/// </code>
/// </summary>
public static class AntiDistillationBuilderExtensions
{
    /// <summary>
    /// The name of the health check <c>AddAspNetCore</c> (and <c>AddIndicatorFeed</c>) registers, tagged <c>antidistill</c>:
    /// unhealthy when background linkage has stopped, degraded when it falls behind or an indicator feed is failing or
    /// stale (see docs/operations.md). Hosts see it once they call <c>AddHealthChecks()</c> and map an endpoint.
    /// </summary>
    public const string HealthCheckName = "antidistill";

    /// <summary>
    /// Registers the middleware's services, with <see cref="AntiDistillationHttpOptions"/> bound from the
    /// <c>AntiDistillation:Http</c> section and <see cref="RiskRateLimiterOptions"/> from <c>AntiDistillation:RateLimiting</c>
    /// of the host's <c>IConfiguration</c> (when there is one), validated at start and reloaded on change.
    /// Calling it again only adds configuration.
    /// </summary>
    public static IAntiDistillationBuilder AddAspNetCore(this IAntiDistillationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(AntiDistillationMiddlewareMarker)))
        {
            return builder;
        }

        services.AddSingleton<AntiDistillationMiddlewareMarker>();
        services.AddOptionsWithValidateOnStart<AntiDistillationHttpOptions>().BindConfiguration(AntiDistillationHttpOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AntiDistillationHttpOptions>, AntiDistillationHttpOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AntiDistillationHttpOptions>, AntiDistillationHttpOptionsCrossValidator>());
        services.TryAddSingleton<HttpOptionsSnapshot>();
        services.TryAddSingleton<IAntiDistillationPolicyProvider, AntiDistillationPolicyProvider>();
        foreach (var format in RequestBodyReader.BuiltInFormats())
        {
            services.AddSingleton(format);
        }

        foreach (var rewriter in BuiltInDegradeRewriter.All())
        {
            services.AddSingleton<IDegradeRequestRewriter>(rewriter);
        }

        services.TryAddSingleton<ActionHandlers>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AntiDistillationHttpOptions>, ActionHandlerNamesValidator>());
        services.TryAddSingleton<CallerResolver>();
        services.TryAddSingleton<Rejections>();
        services.TryAddSingleton<AntiDistillationMetrics>();
        services.TryAddSingleton<RequestThrottle>();
        services.TryAddSingleton<LinkageStatus>();
        services.AddHostedService<LinkageService>();
        AntiDistillationHealthCheck.Register(services);
        services.AddHostedService<PublicIdentityKeyCheck>();
        services.AddProblemDetails();
        services.AddMetrics();

        // The throttle action's limiter; hosts can resolve the same instance for AddRateLimiter, Polly or YARP.
        builder.AddRiskRateLimiter();
        services.AddOptions<RiskRateLimiterOptions>().BindConfiguration(RiskRateLimiterOptions.SectionName);
        return builder;
    }

    /// <summary>Like <see cref="AddAspNetCore(IAntiDistillationBuilder)"/>, then configures the options in code (after configuration binding).</summary>
    public static IAntiDistillationBuilder AddAspNetCore(this IAntiDistillationBuilder builder, Action<AntiDistillationHttpOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        builder.AddAspNetCore();
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Adds or changes a named policy in code (configuration can still override its fields on reload).</summary>
    public static IAntiDistillationBuilder AddPolicy(this IAntiDistillationBuilder builder, string name, Action<AntiDistillationPolicy> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        builder.AddAspNetCore();
        builder.Services.Configure<AntiDistillationHttpOptions>(options =>
        {
            if (!options.Policies.TryGetValue(name, out var policy))
            {
                options.Policies[name] = policy = new AntiDistillationPolicy();
            }

            configure(policy);
        });
        return builder;
    }

    /// <summary>Supplies account profiles (canonical id, organization, payment, device, signup) from the host's account database; cached with a bound.</summary>
    public static IAntiDistillationBuilder AddAccountProfiles<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TProvider>(this IAntiDistillationBuilder builder)
        where TProvider : class, IAccountProfileProvider
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddAspNetCore();
        builder.Services.Replace(ServiceDescriptor.Singleton<IAccountProfileProvider, TProvider>());
        builder.Services.TryAddSingleton<AccountProfileCache>();
        return builder;
    }

    /// <summary>Supplies account profiles from <paramref name="provider"/>; cached with a bound.</summary>
    public static IAntiDistillationBuilder AddAccountProfiles(this IAntiDistillationBuilder builder, IAccountProfileProvider provider)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(provider);
        builder.AddAspNetCore();
        builder.Services.Replace(ServiceDescriptor.Singleton(provider));
        builder.Services.TryAddSingleton<AccountProfileCache>();
        return builder;
    }

    /// <summary>Adds a request body format, tried after the built-in ones (by path first, then by shape).</summary>
    public static IAntiDistillationBuilder AddRequestFormat<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TReader>(this IAntiDistillationBuilder builder)
        where TReader : class, IRequestFormatReader
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddAspNetCore();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IRequestFormatReader, TReader>());
        return builder;
    }

    /// <summary>Estimates request tokens with <paramref name="estimator"/> (e.g. <see cref="O200kTokenEstimator.Instance"/>) instead of one token per 4 bytes.</summary>
    public static IAntiDistillationBuilder WithTokenEstimator(this IAntiDistillationBuilder builder, ITokenEstimator estimator)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(estimator);
        builder.AddAspNetCore();
        builder.Services.Replace(ServiceDescriptor.Singleton(estimator));
        return builder;
    }
}

/// <summary>Tells <c>UseAntiDistillation</c> that <c>AddAspNetCore</c> ran.</summary>
internal sealed class AntiDistillationMiddlewareMarker
{
}
