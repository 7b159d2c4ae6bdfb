using System.Runtime.CompilerServices;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.Primitives;

namespace AntiDistill.AspNetCore;

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
    private readonly IdentityHashCache _hashes = new(engine.Identities);

    public bool TryResolve(HttpContext context, AntiDistillationHttpOptions options, out ResolvedCaller caller)
    {
        caller = default;
        var request = context.Request;
        caller.ApiKey = HashApiKey(request.Headers, options);
        string? subject = SubjectOf(context, options.AccountClaim);
        caller.Account = subject is not null ? new AccountId(_hashes.Hash(subject, SubjectKind)) : new AccountId(caller.ApiKey);
        if (!caller.Account.IsValid)
        {
            return false;
        }

        var address = context.Connection.RemoteIpAddress;
        caller.Client = new ClientAttributes
        {
            IpPrefix = address is null ? 0 : _hashes.IpPrefix(address),
            UserAgent = HashHeader(request.Headers.UserAgent, AgentKind),
            TlsFingerprint = options.TlsFingerprintHeader is { } tls ? HashHeader(request.Headers[tls], TlsKind) : 0,
        };
        return true;
    }

    private ulong HashApiKey(IHeaderDictionary headers, AntiDistillationHttpOptions options)
    {
        if (options.ApiKeyHeader is { } name && headers.TryGetValue(name, out var key) && key.Count > 0)
        {
            var value = key[0].AsSpan().Trim();
            if (!value.IsEmpty)
            {
                return _hashes.Hash(value, KeyKind);
            }
        }

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
