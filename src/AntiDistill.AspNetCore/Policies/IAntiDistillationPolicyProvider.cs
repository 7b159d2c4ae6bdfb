using System.Diagnostics.CodeAnalysis;

namespace AntiDistill.AspNetCore;

/// <summary>
/// Looks policies up by name. The middleware asks it on every request (so reloads apply at once); hosts such
/// as YARP use it to validate the policy names in their route configuration. Replace it in DI to keep policies elsewhere.
/// </summary>
public interface IAntiDistillationPolicyProvider
{
    /// <summary>The policy for endpoints without a policy of their own.</summary>
    AntiDistillationPolicy GetDefaultPolicy();

    /// <summary>The policy with the given name (case-insensitive), or false when there is none.</summary>
    bool TryGetPolicy(string name, [NotNullWhen(true)] out AntiDistillationPolicy? policy);
}
