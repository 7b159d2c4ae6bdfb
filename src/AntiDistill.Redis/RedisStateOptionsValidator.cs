using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AntiDistill.Redis;

/// <summary>Validates the attributes on <see cref="RedisStateOptions"/> at start-up (source-generated).</summary>
[OptionsValidator]
internal sealed partial class RedisStateOptionsValidator : IValidateOptions<RedisStateOptions>
{
}

/// <summary>Rules on time spans and across fields, which attributes cannot state.</summary>
internal sealed class RedisStateOptionsCrossValidator : IValidateOptions<RedisStateOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisStateOptions options)
    {
        var failures = new List<string>();
        CheckConnectionString(failures, options.ConnectionString);
        Check(failures, options.SyncInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1), nameof(options.SyncInterval));
        Check(failures, options.StateTimeToLive, TimeSpan.FromMinutes(1), TimeSpan.FromDays(365), nameof(options.StateTimeToLive));
        Check(failures, options.OperationTimeout, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1), nameof(options.OperationTimeout));
        Check(failures, options.SyncTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(5), nameof(options.SyncTimeout));
        Check(failures, options.BreakerSamplingDuration, TimeSpan.FromMilliseconds(500), TimeSpan.FromHours(1), nameof(options.BreakerSamplingDuration));
        Check(failures, options.BreakerBreakDuration, TimeSpan.FromMilliseconds(500), TimeSpan.FromHours(1), nameof(options.BreakerBreakDuration));
        Check(failures, options.HealthyLag, TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1), nameof(options.HealthyLag));
        if (options.StateTimeToLive < options.SyncInterval * 10)
        {
            failures.Add($"StateTimeToLive ({options.StateTimeToLive}) must be at least ten sync intervals ({options.SyncInterval}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>
    /// The library connects in the background and never fails start-up for an unreachable Redis, so a string that can
    /// never connect (unknown keyword, bad value, no endpoint) would otherwise only show as a node that is degraded
    /// forever. Empty means unset (the <c>IConnectionMultiplexer</c> from DI is used).
    /// </summary>
    private static void CheckConnectionString(List<string> failures, string? connectionString)
    {
        if (string.IsNullOrEmpty(connectionString))
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(connectionString))
        {
            failures.Add("ConnectionString is blank: set it to host:port, or leave it unset to use the IConnectionMultiplexer registered in DI.");
            return;
        }

        ConfigurationOptions parsed;
        try
        {
            parsed = ConfigurationOptions.Parse(connectionString);
        }
        catch (ArgumentException ex)
        {
            // The parser's message names the keyword (e.g. "Keyword 'x' is not supported."), never a password's value.
            failures.Add($"ConnectionString is not a valid StackExchange.Redis configuration: {ex.Message}");
            return;
        }

        if (parsed.EndPoints.Count == 0)
        {
            failures.Add("ConnectionString names no Redis endpoint (expected host:port, e.g. localhost:6379).");
        }
    }

    private static void Check(List<string> failures, TimeSpan value, TimeSpan min, TimeSpan max, string name)
    {
        if (value < min || value > max)
        {
            failures.Add($"{name} ({value}) must be between {min} and {max}.");
        }
    }
}
