using AntiDistill.AspNetCore;
using Yarp.ReverseProxy.Configuration;

namespace AntiDistill.Gateway;

/// <summary>
/// Chooses the AntiDistill policy per YARP route from the route's metadata, so policies are configured where routes are
/// and reload with them: YARP rebuilds a route's endpoint when its config changes, and these conventions run again.
/// </summary>
public static class RoutePolicies
{
    /// <summary>The route metadata key naming the policy: a policy name, <c>Default</c>, or <c>Disabled</c>.</summary>
    public const string MetadataKey = "AntiDistillation";

    /// <summary>The value of <see cref="MetadataKey"/> that lets a route through unscored (e.g. <c>/v1/models</c>).</summary>
    public const string Disabled = "Disabled";

    /// <summary>The value of <see cref="MetadataKey"/> that scores a route under the default policy.</summary>
    public const string Default = "Default";

    /// <summary>
    /// Adds AntiDistill endpoint metadata to every proxied route: <see cref="RequireAntiDistillationAttribute"/> with
    /// the policy its metadata names, <see cref="DisableAntiDistillationAttribute"/> for <see cref="Disabled"/>. A route
    /// without the key is scored by path under the default policy, as any endpoint without metadata is.
    /// </summary>
    public static ReverseProxyConventionBuilder WithAntiDistillationPolicies(this ReverseProxyConventionBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.ConfigureEndpoints((endpoint, route) =>
        {
            if (PolicyOf(route) is not { } policy)
            {
                return;
            }

            object marker = policy switch
            {
                Disabled => new DisableAntiDistillationAttribute(),
                Default => new RequireAntiDistillationAttribute(),
                _ => new RequireAntiDistillationAttribute(policy),
            };
            endpoint.WithMetadata(marker);
        });
    }

    private static string? PolicyOf(RouteConfig route) =>
        route.Metadata is { } metadata && metadata.TryGetValue(MetadataKey, out var value) && !string.IsNullOrWhiteSpace(value)
            ? value.Trim()
            : null;
}
