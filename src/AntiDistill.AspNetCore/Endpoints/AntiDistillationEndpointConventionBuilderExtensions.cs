using AntiDistill.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

/// <summary>AntiDistill metadata on endpoints (minimal APIs, controllers, YARP routes).</summary>
public static class AntiDistillationEndpointConventionBuilderExtensions
{
    /// <summary>Scores requests to the endpoints under the named policy (or the default one when <paramref name="policyName"/> is null).</summary>
    public static TBuilder RequireAntiDistillation<TBuilder>(this TBuilder builder, string? policyName = null)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var metadata = policyName is null ? new RequireAntiDistillationAttribute() : new RequireAntiDistillationAttribute(policyName);
        builder.Add(endpoint => endpoint.Metadata.Add(metadata));
        return builder;
    }

    /// <summary>Exempts the endpoints from AntiDistill.</summary>
    public static TBuilder DisableAntiDistillation<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var metadata = new DisableAntiDistillationAttribute();
        builder.Add(endpoint => endpoint.Metadata.Add(metadata));
        return builder;
    }
}
