using Microsoft.AspNetCore.Http;

namespace AntiDistill.AspNetCore;

/// <summary>
/// Supplies what the host's own account database knows about an account (its canonical id, organization,
/// payment and device fingerprints, e-mail domain, signup time), which account linkage joins on.
/// Register one with <c>AddAccountProfiles&lt;T&gt;()</c>; results are cached per account, with a bound.
/// </summary>
public interface IAccountProfileProvider
{
    /// <summary>
    /// The profile of the account the request was resolved to, or null when the host does not know it.
    /// Called only on a cache miss; <paramref name="context"/> gives access to the raw API key or claims
    /// for the lookup. Exceptions are logged and the request is scored without a profile.
    /// </summary>
    ValueTask<AccountProfile?> GetProfileAsync(HttpContext context, AccountId account, CancellationToken cancellationToken);
}
