using AntiDistill.AspNetCore;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds the AntiDistill middleware to the pipeline.</summary>
public static class AntiDistillationApplicationBuilderExtensions
{
    /// <summary>
    /// Scores requests and applies policies. Place it after <c>UseRouting</c> (endpoint metadata picks the policy)
    /// and <c>UseAuthentication</c> (an account claim is preferred to the API key), and after
    /// <c>UseForwardedHeaders</c> when behind a proxy (the client IP is read from the connection).
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>AddAntiDistillation().AddAspNetCore()</c> was not called.</exception>
    public static IApplicationBuilder UseAntiDistillation(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ApplicationServices.GetService<AntiDistillationMiddlewareMarker>() is null)
        {
            throw new InvalidOperationException(
                "Unable to find the AntiDistill services. Call 'services.AddAntiDistillation(...).AddAspNetCore()' in the application's service configuration.");
        }

        return app.UseMiddleware<AntiDistillationMiddleware>();
    }
}
