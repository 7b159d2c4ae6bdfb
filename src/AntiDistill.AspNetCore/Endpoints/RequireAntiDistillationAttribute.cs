namespace AntiDistill.AspNetCore;

/// <summary>Scores requests to the endpoint under the named policy (endpoint metadata, like <c>EnableRateLimiting</c>).</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class RequireAntiDistillationAttribute : Attribute
{
    /// <summary>Scores requests under <paramref name="policyName"/>.</summary>
    public RequireAntiDistillationAttribute(string policyName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(policyName);
        PolicyName = policyName;
    }

    /// <summary>Scores requests under the default policy.</summary>
    public RequireAntiDistillationAttribute()
    {
    }

    /// <summary>The policy, or null for the default policy.</summary>
    public string? PolicyName { get; }
}
