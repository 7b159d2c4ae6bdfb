namespace AntiDistill.AspNetCore;

/// <summary>What a policy does with a body it cannot score (not JSON, too large, an unknown shape).</summary>
public enum BadBodyHandling
{
    /// <summary>Let it through unscored and count it (<c>antidistill.requests</c> with action <c>unscored</c>). The default.</summary>
    Allow = 0,

    /// <summary>Refuse with 400 ProblemDetails before the endpoint runs.</summary>
    Reject = 1,
}
