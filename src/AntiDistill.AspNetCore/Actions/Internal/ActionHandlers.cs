using Microsoft.Extensions.DependencyInjection;

namespace AntiDistill.AspNetCore;

/// <summary>
/// Every action handler by name (the built-in actions and the host's), made once when the middleware starts, and each
/// policy's bands bound to their handlers the first time the policy is used: the request path only indexes an array.
/// </summary>
internal sealed class ActionHandlers
{
    private readonly Dictionary<string, ResolvedAction> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly ResolvedAction _allow;

    public ActionHandlers(IServiceProvider services)
    {
        foreach (var action in Enum.GetValues<AntiDistillationAction>())
        {
            if (action != AntiDistillationAction.Custom)
            {
                _byName[action.ToString()] = new ResolvedAction(action, AntiDistillationMetrics.ActionName(action), action.ToString(), BuiltInActionHandlers.For(action));
            }
        }

        _allow = _byName[nameof(AntiDistillationAction.Allow)];
        foreach (var registration in services.GetServices<ActionHandlerRegistration>())
        {
            // Registered names were checked against the built-in ones (AddActionHandler); a later registration of a name wins.
            _byName[registration.Name] = new ResolvedAction(AntiDistillationAction.Custom, registration.Name, registration.Name, registration.Factory(services));
        }
    }

    /// <summary>Whether <paramref name="name"/> names an <see cref="AntiDistillationAction"/> (case-insensitive), which a host handler may not take.</summary>
    public static bool IsReserved(string name, out AntiDistillationAction action)
    {
        foreach (var candidate in Enum.GetValues<AntiDistillationAction>())
        {
            if (string.Equals(candidate.ToString(), name, StringComparison.OrdinalIgnoreCase))
            {
                action = candidate;
                return true;
            }
        }

        action = AntiDistillationAction.Custom;
        return false;
    }

    /// <summary>The action for a request of the given risk under <paramref name="policy"/> (allow when no band is reached).</summary>
    public ResolvedAction For(AntiDistillationPolicy policy, double risk)
    {
        var bands = policy.ResolvedBands;
        if (bands is null || bands.Owner != this || bands.Actions.Length != policy.Bands.Count)
        {
            // Once per policy instance (a reload makes new ones); two threads racing here bind the same handlers.
            policy.ResolvedBands = bands = Resolve(policy);
        }

        int band = policy.BandFor(risk);
        return band < 0 ? _allow : bands.Actions[band];
    }

    private ResolvedBands Resolve(AntiDistillationPolicy policy)
    {
        var actions = new ResolvedAction[policy.Bands.Count];
        for (int i = 0; i < actions.Length; i++)
        {
            var band = policy.Bands[i];
            if (band.Handler is not { } name)
            {
                actions[i] = _byName[band.Action == AntiDistillationAction.Custom ? nameof(AntiDistillationAction.Allow) : band.Action.ToString()];
            }
            else if (!_byName.TryGetValue(name, out actions[i]!))
            {
                // The validator refuses such a configuration at start and on reload; a policy from a custom provider can still name one.
                throw new InvalidOperationException($"No action handler is registered under the name '{name}' (band {i} of a policy). Register it with AddActionHandler.");
            }
        }

        return new ResolvedBands(this, actions);
    }
}

/// <summary>One band's action: what the feature, metrics and logs call it, and the handler that carries it out.</summary>
internal sealed class ResolvedAction(AntiDistillationAction action, string tagName, string displayName, IAntiDistillationActionHandler handler)
{
    public AntiDistillationAction Action { get; } = action;

    /// <summary>The metric and trace tag value: the built-in action in lower case, or the host's registered name.</summary>
    public string TagName { get; } = tagName;

    /// <summary>The name in logs: the enum member's name, or the host's registered name.</summary>
    public string DisplayName { get; } = displayName;

    public IAntiDistillationActionHandler Handler { get; } = handler;
}

/// <summary>A policy's bands bound to handlers, in the order of <see cref="AntiDistillationPolicy.Bands"/>.</summary>
internal sealed class ResolvedBands(ActionHandlers owner, ResolvedAction[] actions)
{
    public ActionHandlers Owner { get; } = owner;

    public ResolvedAction[] Actions { get; } = actions;
}
