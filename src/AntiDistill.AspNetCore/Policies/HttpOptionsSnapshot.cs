using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace AntiDistill.AspNetCore;

/// <summary>
/// The last valid <see cref="AntiDistillationHttpOptions"/>. <see cref="IOptionsMonitor{TOptions}"/> drops its cached
/// value on reload and throws on every read while the new configuration is invalid; reading through here keeps
/// serving the last good policies instead (and reading a field is cheaper than the monitor's cache lookup).
/// </summary>
/// <remarks>
/// An invalid reload must not be silent: the monitor throws its validation error at whoever fired the reload (the
/// configuration file watcher, which drops it), so this class listens to the same change tokens, validates the new
/// configuration itself and logs what is wrong, once per reload.
/// </remarks>
internal sealed class HttpOptionsSnapshot : IDisposable
{
    private readonly List<IDisposable> _subscriptions = [];
    private volatile AntiDistillationHttpOptions _current;

    public HttpOptionsSnapshot(IOptionsMonitor<AntiDistillationHttpOptions> monitor, IOptionsFactory<AntiDistillationHttpOptions> factory,
        IEnumerable<IOptionsChangeTokenSource<AntiDistillationHttpOptions>> sources, ILogger<HttpOptionsSnapshot> logger)
    {
        _current = monitor.CurrentValue;

        // The monitor calls listeners only with options that passed validation.
        if (monitor.OnChange(options =>
            {
                _current = options;
                Log.OptionsReloaded(logger, options.Policies.Count);
            }) is { } subscription)
        {
            _subscriptions.Add(subscription);
        }

        foreach (var source in sources)
        {
            if (source.Name == Options.DefaultName)
            {
                _subscriptions.Add(ChangeToken.OnChange(source.GetChangeToken, () => ReportIfInvalid(factory, logger)));
            }
        }
    }

    /// <summary>Without change tokens to validate on: for hosts of the options that never reload (tests).</summary>
    public HttpOptionsSnapshot(IOptionsMonitor<AntiDistillationHttpOptions> monitor, ILogger<HttpOptionsSnapshot> logger)
        : this(monitor, null!, [], logger)
    {
    }

    public AntiDistillationHttpOptions Current => _current;

    public void Dispose()
    {
        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }
    }

    private static void ReportIfInvalid(IOptionsFactory<AntiDistillationHttpOptions> factory, ILogger logger)
    {
        try
        {
            factory.Create(Options.DefaultName);
        }
        catch (OptionsValidationException e)
        {
            Log.ReloadRejected(logger, string.Join(" ", e.Failures));
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            // A value the binder cannot convert (e.g. "MinRisk": "high") fails before validation.
            Log.ReloadRejected(logger, e.Message);
        }
    }
}
