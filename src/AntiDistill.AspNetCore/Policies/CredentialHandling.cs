namespace AntiDistill.AspNetCore;

/// <summary>What a policy does with a request that carries no credential (no account claim, no API key).</summary>
public enum MissingCredentialHandling
{
    /// <summary>Let it through unscored and count it (<c>antidistill.requests</c>, action <c>unscored</c>, reason <c>no_account</c>).</summary>
    Allow = 0,

    /// <summary>Refuse with 401 before the endpoint runs. The default of enforcing policies.</summary>
    Reject = 1,

    /// <summary>
    /// Score it as a pseudo-account of its client's network prefix (the keyed hash of the /24 or /48), so anonymous
    /// harvesting from one network builds up risk like an account does. The default of shadow policies.
    /// </summary>
    ScoreByNetwork = 2,
}

/// <summary>
/// What a policy does with a request that carries two different API keys (an <c>x-api-key</c> header and an
/// <c>Authorization: Bearer</c> key that disagree). No SDK sends that; a client that does may be hoping the upstream
/// authenticates one key while AntiDistill scores the other (a fresh one each time).
/// </summary>
public enum CredentialConflictHandling
{
    /// <summary>Refuse with 400 before the endpoint runs. The default.</summary>
    Reject = 0,

    /// <summary>Score it under the <c>Authorization</c> key and count the conflict (<c>antidistill.credential_conflicts</c>).</summary>
    ScoreAsAuthorization = 1,
}
