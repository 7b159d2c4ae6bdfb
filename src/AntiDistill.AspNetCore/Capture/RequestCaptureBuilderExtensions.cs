using AntiDistill;
using AntiDistill.AspNetCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Request capture hung off the engine's builder: scored requests written as request-log v1 for <c>antidistill analyze</c>
/// (docs/capture.md). The request path only hands a record to a bounded queue; one background writer does the rest, and
/// whatever it cannot take (queue full, disk full, IO error) is dropped and counted (<c>antidistill.capture.dropped</c>).
/// </summary>
public static class RequestCaptureBuilderExtensions
{
    /// <summary>Adds request capture with options bound from <c>AntiDistillation:Capture</c> of the host's configuration (when there is one).</summary>
    public static IAntiDistillationBuilder AddRequestCapture(this IAntiDistillationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddAspNetCore();
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(RequestCapture)))
        {
            return builder;
        }

        services.AddOptionsWithValidateOnStart<RequestCaptureOptions>().BindConfiguration(RequestCaptureOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RequestCaptureOptions>, RequestCaptureOptionsRangeValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RequestCaptureOptions>, RequestCaptureOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RequestCapture>();
        services.AddHostedService<CaptureWriterService>();
        return builder;
    }

    /// <summary>Adds request capture with options bound from <paramref name="section"/> (<c>Directory</c>, <c>RetainPrompts</c>, ...).</summary>
    public static IAntiDistillationBuilder AddRequestCapture(this IAntiDistillationBuilder builder, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        builder.AddRequestCapture();
        builder.Services.AddOptions<RequestCaptureOptions>().Bind(section);
        return builder;
    }

    /// <summary>Adds request capture with options set in code (after configuration binding).</summary>
    public static IAntiDistillationBuilder AddRequestCapture(this IAntiDistillationBuilder builder, Action<RequestCaptureOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        builder.AddRequestCapture();
        builder.Services.Configure(configure);
        return builder;
    }
}
