using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AntiDistill.AspNetCore;

/// <summary>
/// The last valid <see cref="AntiDistillationHttpOptions"/>. <see cref="IOptionsMonitor{TOptions}"/> drops its cached
/// value on reload and throws on every read while the new configuration is invalid; reading through here keeps
/// serving the last good policies instead (and reading a field is cheaper than the monitor's cache lookup).
/// </summary>
internal sealed class HttpOptionsSnapshot : IDisposable
{
    private readonly IDisposable? _subscription;
    private volatile AntiDistillationHttpOptions _current;

    public HttpOptionsSnapshot(IOptionsMonitor<AntiDistillationHttpOptions> monitor, ILogger<HttpOptionsSnapshot> logger)
    {
        _current = monitor.CurrentValue;

        // The monitor calls listeners only with options that passed validation; an invalid reload throws before (logged here too).
        _subscription = monitor.OnChange(options =>
        {
            _current = options;
            Log.OptionsReloaded(logger, options.Policies.Count);
        });
    }

    public AntiDistillationHttpOptions Current => _current;

    public void Dispose() => _subscription?.Dispose();
}
