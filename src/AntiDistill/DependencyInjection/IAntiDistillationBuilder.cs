namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures AntiDistill after <c>AddAntiDistillation</c>; other packages hang their features off it (policies, Redis state).</summary>
public interface IAntiDistillationBuilder
{
    /// <summary>The service collection AntiDistill is registered in.</summary>
    IServiceCollection Services { get; }
}
