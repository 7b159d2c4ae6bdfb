using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AntiDistill.AspNetCore;

/// <summary>
/// Caches what <see cref="IAccountProfileProvider"/> answers, hashed, for
/// <see cref="AntiDistillationHttpOptions.ProfileCacheDuration"/>, with at most
/// <see cref="AntiDistillationHttpOptions.ProfileCacheSize"/> entries so that rotated keys cannot grow it.
/// </summary>
internal sealed class AccountProfileCache(
    IAccountProfileProvider provider,
    DistillationEngine engine,
    TimeProvider time,
    ILogger<AccountProfileCache> logger)
{
    private readonly ConcurrentDictionary<AccountId, HashedProfile> _entries = new();

    public int Count => _entries.Count;

    public ValueTask<HashedProfile?> GetAsync(HttpContext context, AccountId account, AntiDistillationHttpOptions options)
    {
        long now = time.GetTimestamp();
        if (_entries.TryGetValue(account, out var cached) && cached.ExpiresAt > now)
        {
            return ValueTask.FromResult<HashedProfile?>(cached);
        }

        return LoadAsync(context, account, options, now);
    }

    private async ValueTask<HashedProfile?> LoadAsync(HttpContext context, AccountId account, AntiDistillationHttpOptions options, long now)
    {
        AccountProfile? profile;
        try
        {
            profile = await provider.GetProfileAsync(context, account, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            // The account database being down must not take the API down: score without a profile, retry next request.
            Log.ProfileLookupFailed(logger, account, ex);
            return null;
        }

        long expires = now + (long)(options.ProfileCacheDuration.TotalSeconds * time.TimestampFrequency);
        var hashed = profile is null ? HashedProfile.Empty(expires) : Hash(profile, expires);
        if (_entries.Count >= options.ProfileCacheSize)
        {
            Trim(now, options.ProfileCacheSize);
        }

        _entries[account] = hashed;
        return hashed;
    }

    private HashedProfile Hash(AccountProfile profile, long expires)
    {
        var ids = engine.Identities;
        return new HashedProfile(
            profile.AccountId is { Length: > 0 } id ? ids.Account(id) : default,
            ids.Hash(profile.Organization),
            ids.Hash(profile.PaymentFingerprint),
            ids.Hash(profile.DeviceFingerprint),
            ids.Hash(profile.EmailDomain),
            profile.CreatedAt ?? default,
            expires);
    }

    /// <summary>Drops expired entries; if that is not enough (a key-rotation flood), drops everything: the cache only saves lookups.</summary>
    private void Trim(long now, int capacity)
    {
        foreach (var (key, entry) in _entries)
        {
            if (entry.ExpiresAt <= now)
            {
                _entries.TryRemove(key, out _);
            }
        }

        if (_entries.Count >= capacity)
        {
            _entries.Clear();
        }
    }
}
