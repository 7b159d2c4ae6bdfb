using System.Diagnostics.CodeAnalysis;

namespace AntiDistill.AspNetCore;

/// <summary>Policies from <see cref="AntiDistillationHttpOptions.Policies"/>, as of the last valid configuration reload.</summary>
internal sealed class AntiDistillationPolicyProvider(HttpOptionsSnapshot options) : IAntiDistillationPolicyProvider
{
    // Shared, never mutated: the implicit default is a shadow policy without bands.
    private static readonly AntiDistillationPolicy Implicit = new();

    public AntiDistillationPolicy GetDefaultPolicy()
    {
        var current = options.Current;
        return TryGet(current, current.DefaultPolicy, out var policy) ? policy : Implicit;
    }

    public bool TryGetPolicy(string name, [NotNullWhen(true)] out AntiDistillationPolicy? policy)
    {
        ArgumentNullException.ThrowIfNull(name);
        return TryGet(options.Current, name, out policy);
    }

    private static bool TryGet(AntiDistillationHttpOptions current, string name, [NotNullWhen(true)] out AntiDistillationPolicy? policy)
    {
        if (current.Policies.TryGetValue(name, out policy) && policy is not null)
        {
            return true;
        }

        if (string.Equals(name, AntiDistillationHttpOptions.DefaultPolicyName, StringComparison.OrdinalIgnoreCase))
        {
            policy = Implicit;
            return true;
        }

        policy = null;
        return false;
    }
}
