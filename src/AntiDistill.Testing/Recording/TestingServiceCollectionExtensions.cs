using AntiDistill.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Test-only registrations for the app under test (e.g. in <c>WebApplicationFactory.ConfigureTestServices</c>).</summary>
public static class AntiDistillationTestingServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="AntiDistillationTestRecorder"/> in front of the app's pipeline, so that simulated traffic
    /// reports what the middleware decided for each request. Calling it again changes nothing.
    /// </summary>
    public static IServiceCollection AddAntiDistillationTestRecorder(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<AntiDistillationTestRecorder>();
        services.TryAddEnumerable(ServiceDescriptor.Transient<IStartupFilter, RecorderStartupFilter>());
        return services;
    }
}
