using System.Diagnostics.CodeAnalysis;
using AntiDistill.AspNetCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Actions a host adds beside the built-in ones, and degrade rewriters for the formats it reads:
/// <code>
/// builder.Services.AddAntiDistillation()
///     .AddActionHandler&lt;TarpitHandler&gt;("tarpit")
///     .AddPolicy("api", p =&gt; p.Bands.Add(new RiskBand { MinRisk = 0.8, Handler = "tarpit" }));
/// </code>
/// </summary>
public static class AntiDistillationActionBuilderExtensions
{
    /// <summary>
    /// Registers <typeparamref name="THandler"/> as the action named <paramref name="name"/> (case-insensitive), for bands
    /// whose <see cref="RiskBand.Handler"/> names it. One instance, made from DI (constructor injection) when the middleware
    /// starts. The built-in action names (<see cref="AntiDistillationAction"/>) are taken; registering a name twice keeps the last.
    /// </summary>
    public static IAntiDistillationBuilder AddActionHandler<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(
        this IAntiDistillationBuilder builder, string name)
        where THandler : class, IAntiDistillationActionHandler
    {
        ArgumentNullException.ThrowIfNull(builder);
        CheckName(name);
        builder.AddAspNetCore();
        builder.Services.AddSingleton(ActionHandlerRegistration.Of<THandler>(name));
        return builder;
    }

    /// <summary>Registers <paramref name="handler"/> as the action named <paramref name="name"/> (see <see cref="AddActionHandler{THandler}(IAntiDistillationBuilder, string)"/>).</summary>
    public static IAntiDistillationBuilder AddActionHandler(this IAntiDistillationBuilder builder, string name, IAntiDistillationActionHandler handler)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(handler);
        CheckName(name);
        builder.AddAspNetCore();
        builder.Services.AddSingleton(new ActionHandlerRegistration(name, _ => handler));
        return builder;
    }

    /// <summary>
    /// Adds a degrade rewriter (one instance, from DI), asked before the built-in ones: for a format the host reads with its
    /// own <c>IRequestFormatReader</c>, or to take over a built-in format.
    /// </summary>
    public static IAntiDistillationBuilder AddDegradeRewriter<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TRewriter>(
        this IAntiDistillationBuilder builder)
        where TRewriter : class, IDegradeRequestRewriter
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddAspNetCore();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IDegradeRequestRewriter, TRewriter>());
        return builder;
    }

    /// <summary>Adds <paramref name="rewriter"/> as a degrade rewriter (see <see cref="AddDegradeRewriter{TRewriter}(IAntiDistillationBuilder)"/>).</summary>
    public static IAntiDistillationBuilder AddDegradeRewriter(this IAntiDistillationBuilder builder, IDegradeRequestRewriter rewriter)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(rewriter);
        builder.AddAspNetCore();
        builder.Services.AddSingleton(rewriter);
        return builder;
    }

    private static void CheckName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (ActionHandlers.IsReserved(name, out _))
        {
            throw new ArgumentException($"'{name}' is a built-in action's name; choose another for a host action.", nameof(name));
        }
    }
}
