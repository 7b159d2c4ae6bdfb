namespace AntiDistill.AspNetCore;

/// <summary>Exempts the endpoint from AntiDistill: its requests are neither read nor scored.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class DisableAntiDistillationAttribute : Attribute
{
}
