namespace AntiDistill.AspNetCore;

/// <summary>Why the middleware refused a request.</summary>
public enum RejectionReason
{
    /// <summary>The risk-aware rate limiter refused it (429).</summary>
    Throttled,

    /// <summary>The policy asks the caller to verify the account (403).</summary>
    Challenged,

    /// <summary>The policy blocks the caller (403).</summary>
    Blocked,

    /// <summary>The body could not be scored and the policy rejects such bodies (400; 413 when it is over the size limit).</summary>
    BadBody,

    /// <summary>The request carries no credential and the policy refuses such requests (401).</summary>
    MissingCredential,

    /// <summary>The request carries two API keys that disagree and the policy refuses such requests (400).</summary>
    ConflictingCredentials,
}
