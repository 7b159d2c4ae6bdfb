using Microsoft.Extensions.Options;

namespace AntiDistill.AspNetCore;

/// <summary>
/// Every band's <see cref="RiskBand.Handler"/> names a built-in action or a registered handler, and <see cref="AntiDistillationAction.Custom"/>
/// comes with one: a typo fails at start (or leaves the last good policies in force on reload), not on the first risky request.
/// </summary>
/// <remarks>Checks names only, so that validating the options never makes a host's handler (which may itself depend on them).</remarks>
internal sealed class ActionHandlerNamesValidator(IEnumerable<ActionHandlerRegistration> registrations) : IValidateOptions<AntiDistillationHttpOptions>
{
    private readonly HashSet<string> _registered = new(registrations.Select(r => r.Name), StringComparer.OrdinalIgnoreCase);

    public ValidateOptionsResult Validate(string? name, AntiDistillationHttpOptions options)
    {
        List<string>? failures = null;
        foreach (var (policyName, policy) in options.Policies)
        {
            if (policy is null)
            {
                continue; // reported by the cross validator
            }

            for (int i = 0; i < policy.Bands.Count; i++)
            {
                var band = policy.Bands[i];
                if (band?.Handler is { } handler)
                {
                    if (!_registered.Contains(handler) && !(ActionHandlers.IsReserved(handler, out var action) && action != AntiDistillationAction.Custom))
                    {
                        (failures ??= []).Add($"Policies:{policyName}:Bands:{i}:Handler '{handler}' is neither a built-in action nor a handler registered with AddActionHandler.");
                    }
                }
                else if (band?.Action == AntiDistillationAction.Custom)
                {
                    (failures ??= []).Add($"Policies:{policyName}:Bands:{i}: Action Custom needs a Handler naming the registered handler.");
                }
            }
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
