using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AntiDistill.AspNetCore;

/// <summary>
/// Warns once at start-up when the identity key is one that anyone can read (from this project's README, samples or
/// tests, or a degenerate key such as 32 zero bytes) outside the Development environment. With a public key anyone
/// can compute the account hash of an API key, and brute-force a stored network-prefix hash back to its /24 in seconds.
/// </summary>
/// <remarks>The environment is optional: a bare service collection (no host) has none, and runs no hosted service either.</remarks>
internal sealed partial class PublicIdentityKeyCheck(IOptions<AntiDistillationOptions> options, ILogger<PublicIdentityKeyCheck> logger,
    IHostEnvironment? environment = null) : IHostedService
{
    /// <summary>Keys published in this repository (README, sample appsettings.json, tests, the analyzer's offline key).</summary>
    internal static readonly string[] PublishedKeys =
    [
        "c2FtcGxlLWtleS1ub3QtYS1zZWNyZXQtcmVwbGFjZS1tZQ==",
        "dGVzdC1pZGVudGl0eS1rZXktMTYtYnl0ZXMhIQ==",
        "YW50aWRpc3RpbGwtYW5hbHl6ZS1vZmZsaW5lLWtleS0x",
    ];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (environment is not null && !environment.IsDevelopment() && options.Value.IdentityKey is { } key && IsPublic(key))
        {
            LogPublicKey(logger, environment.EnvironmentName);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Whether <paramref name="key"/> (base64) is published or degenerate (every byte the same).</summary>
    internal static bool IsPublic(string key)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(key.Trim());
        }
        catch (FormatException)
        {
            return false; // the options validator refuses it at start-up
        }

        foreach (string published in PublishedKeys)
        {
            if (bytes.AsSpan().SequenceEqual(Convert.FromBase64String(published)))
            {
                return true;
            }
        }

        return bytes.Length > 0 && !bytes.AsSpan().ContainsAnyExcept(bytes[0]);
    }

    // Event ids 3500-3599: hosting checks.
    [LoggerMessage(EventId = 3500, EventName = "PublicIdentityKey", Level = LogLevel.Warning,
        Message = "AntiDistillation:IdentityKey is a published example key (or a degenerate one) and the environment is {Environment}: anyone can " +
            "compute the account hash of an API key and recover network prefixes from stored hashes. Generate a secret key " +
            "(e.g. `openssl rand -base64 32`), keep it in a secret store, and use the same key on every node; see the README on key rotation.")]
    private static partial void LogPublicKey(ILogger logger, string environment);
}
