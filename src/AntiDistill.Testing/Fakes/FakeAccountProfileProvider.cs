using System.Collections.Concurrent;
using AntiDistill.AspNetCore;
using Microsoft.AspNetCore.Http;

namespace AntiDistill.Testing;

/// <summary>
/// An <see cref="IAccountProfileProvider"/> for tests: profiles by API key (the <c>Bearer</c> token or <c>x-api-key</c>
/// header as sent), every lookup recorded, and failures or delays scripted. Register it with
/// <c>AddAccountProfiles(fake)</c>.
/// </summary>
/// <remarks>The middleware caches profiles, so a second request of one account within the cache's duration is not a lookup.</remarks>
public sealed class FakeAccountProfileProvider : IAccountProfileProvider
{
    private readonly ConcurrentDictionary<string, AccountProfile> _profiles = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<ProfileLookup> _lookups = new();
    private Func<string?, Exception?>? _failure;
    private TimeSpan _delay;
    private TimeProvider _time = TimeProvider.System;

    /// <summary>Every lookup the middleware made, in order.</summary>
    public IReadOnlyCollection<ProfileLookup> Lookups => _lookups;

    /// <summary>Answers requests carrying <paramref name="apiKey"/> with <paramref name="profile"/>.</summary>
    public FakeAccountProfileProvider Add(string apiKey, AccountProfile profile)
    {
        ArgumentException.ThrowIfNullOrEmpty(apiKey);
        _profiles[apiKey] = profile ?? throw new ArgumentNullException(nameof(profile));
        return this;
    }

    /// <summary>Makes lookups throw <paramref name="exception"/> (for keys <paramref name="when"/> accepts; all when null) until <see cref="Succeed"/>.</summary>
    public FakeAccountProfileProvider Fail(Exception exception, Func<string?, bool>? when = null)
    {
        ArgumentNullException.ThrowIfNull(exception);
        _failure = key => when is null || when(key) ? exception : null;
        return this;
    }

    /// <summary>Makes lookups answer again.</summary>
    public FakeAccountProfileProvider Succeed()
    {
        _failure = null;
        return this;
    }

    /// <summary>Makes each lookup take <paramref name="delay"/> on <paramref name="timeProvider"/> (default the system clock), like a slow account database.</summary>
    public FakeAccountProfileProvider Delay(TimeSpan delay, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        _delay = delay;
        _time = timeProvider ?? TimeProvider.System;
        return this;
    }

    /// <inheritdoc/>
    public async ValueTask<AccountProfile?> GetProfileAsync(HttpContext context, AccountId account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        string? key = ApiKeyOf(context.Request);
        var failure = _failure?.Invoke(key);
        var profile = key is not null && _profiles.TryGetValue(key, out var found) ? found : null;
        _lookups.Enqueue(new ProfileLookup(key, account, profile is not null, failure is not null));
        if (_delay > TimeSpan.Zero)
        {
            await Task.Delay(_delay, _time, cancellationToken).ConfigureAwait(false);
        }

        if (failure is not null)
        {
            throw failure;
        }

        return profile;
    }

    private static string? ApiKeyOf(HttpRequest request)
    {
        string authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        return request.Headers.TryGetValue("x-api-key", out var key) && key.Count > 0 ? key.ToString() : null;
    }
}

/// <summary>One profile lookup the middleware made.</summary>
/// <param name="ApiKey">The API key the request carried, if any.</param>
/// <param name="Account">The account it resolved to (a keyed hash).</param>
/// <param name="Found">Whether a profile was returned.</param>
/// <param name="Failed">Whether the lookup threw (as scripted).</param>
public sealed record ProfileLookup(string? ApiKey, AccountId Account, bool Found, bool Failed);
