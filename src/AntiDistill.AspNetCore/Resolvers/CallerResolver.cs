using System.Runtime.CompilerServices;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.Primitives;

namespace AntiDistill.AspNetCore;

/// <summary>How resolving a request's caller went.</summary>
internal enum CallerStatus
{
    Resolved,
    MissingCredential,
    ConflictingCredentials,
}

/// <summary>
/// Resolves the account and client of a request from the request itself: claims or API key, client IP
/// (after <c>UseForwardedHeaders</c>, which rewrites <see cref="ConnectionInfo.RemoteIpAddress"/>), user agent
/// and the TLS fingerprint header. Only keyed hashes leave this class; the key itself is never stored or logged.
/// </summary>
[SkipLocalsInit]
internal sealed class CallerResolver(DistillationEngine engine)
{
    private const string SubjectClaim = "sub";
    private const byte KeyKind = 1;
    private const byte SubjectKind = 2;
    private const byte AgentKind = 3;
    private const byte TlsKind = 4;
    private const ulong NetworkSalt = 0x6E6574776F726B21UL; // "network!"
    private readonly IdentityHashCache _hashes = new(engine.Identities);

    /// <summary>
    /// Resolves the caller the way the host authenticates it: an account claim when authentication ran, else the API
    /// key, from whichever configured source carries it. Two sources that disagree are a conflict (the caller is then
    /// resolved under the <c>Authorization</c> key, for policies that score conflicts); no source is a missing credential.
    /// The client attributes are resolved in every case.
    /// </summary>
    public CallerStatus Resolve(HttpContext context, AntiDistillationHttpOptions options, out ResolvedCaller caller)
    {
        caller = default;
        var request = context.Request;
        var address = context.Connection.RemoteIpAddress;
        caller.Client = new ClientAttributes
        {
            IpPrefix = address is null ? 0 : _hashes.IpPrefix(address),
            UserAgent = HashHeader(request.Headers.UserAgent, AgentKind),
            TlsFingerprint = options.TlsFingerprintHeader is { } tls ? HashHeader(request.Headers[tls], TlsKind) : 0,
        };

        ulong header = HashHeaderKey(request.Headers, options);
        ulong bearer = HashBearerKey(request.Headers, options);
        bool conflict = header != 0 && bearer != 0 && header != bearer;
        caller.ApiKey = bearer != 0 ? bearer : header;

        // Claims first: once the host has authenticated the caller, the keys it also sent are only evidence.
        if (SubjectOf(context, options.AccountClaim) is { } subject)
        {
            caller.Account = new AccountId(_hashes.Hash(subject, SubjectKind));
            return CallerStatus.Resolved;
        }

        caller.Account = new AccountId(caller.ApiKey);
        return conflict ? CallerStatus.ConflictingCredentials
            : caller.Account.IsValid ? CallerStatus.Resolved
            : CallerStatus.MissingCredential;
    }

    /// <summary>
    /// The pseudo-account standing for every anonymous caller of one network prefix (an odd-multiply bijection of the
    /// prefix's keyed hash, so it cannot be an account's hash by construction short of a 2^-64 accident; never 0).
    /// </summary>
    public static AccountId NetworkAccount(ulong ipPrefix) => new((ipPrefix ^ NetworkSalt) * 0x9E3779B97F4A7C15UL | 1);

    private ulong HashHeaderKey(IHeaderDictionary headers, AntiDistillationHttpOptions options)
    {
        if (options.ApiKeyHeader is { } name && headers.TryGetValue(name, out var key) && key.Count > 0)
        {
            var value = key[0].AsSpan().Trim();
            if (!value.IsEmpty)
            {
                return _hashes.Hash(value, KeyKind);
            }
        }

        return 0;
    }

    private ulong HashBearerKey(IHeaderDictionary headers, AntiDistillationHttpOptions options)
    {
        if (options.BearerApiKey && headers.Authorization is { Count: > 0 } authorization)
        {
            var value = authorization[0].AsSpan().Trim();
            if (value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                value = value["Bearer ".Length..].Trim();
                if (!value.IsEmpty)
                {
                    return _hashes.Hash(value, KeyKind);
                }
            }
        }

        return 0;
    }

    private static string? SubjectOf(HttpContext context, string? claim)
    {
        // Through the feature, not HttpContext.User: without authentication that getter allocates an empty principal
        // (and the feature holding it) on every request, only for us to find it unauthenticated.
        if (context.Features.Get<IHttpAuthenticationFeature>()?.User is not { Identity.IsAuthenticated: true } user)
        {
            return null;
        }

        var found = claim is not null
            ? user.FindFirst(claim)
            : user.FindFirst(SubjectClaim) ?? user.FindFirst(ClaimTypes.NameIdentifier);
        return string.IsNullOrEmpty(found?.Value) ? null : found.Value;
    }

    private ulong HashHeader(StringValues values, byte kind) => values.Count == 0 ? 0 : _hashes.Hash(values[0].AsSpan(), kind);
}
