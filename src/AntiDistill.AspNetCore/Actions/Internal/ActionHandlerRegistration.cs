using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;

namespace AntiDistill.AspNetCore;

/// <summary>A host's action handler as registered by <c>AddActionHandler</c>: its name, and how to make the one instance.</summary>
internal sealed class ActionHandlerRegistration(string name, Func<IServiceProvider, IAntiDistillationActionHandler> factory)
{
    public string Name { get; } = name;

    public Func<IServiceProvider, IAntiDistillationActionHandler> Factory { get; } = factory;

    public static ActionHandlerRegistration Of<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(string name)
        where THandler : class, IAntiDistillationActionHandler =>
        new(name, static services => ActivatorUtilities.GetServiceOrCreateInstance<THandler>(services));
}
