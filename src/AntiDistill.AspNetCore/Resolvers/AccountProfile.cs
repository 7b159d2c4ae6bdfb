namespace AntiDistill.AspNetCore;

/// <summary>
/// What the host knows about an account. Every value is hashed with the engine's identity key before it is
/// cached or scored, so none of them is kept in clear.
/// </summary>
public sealed record AccountProfile
{
    /// <summary>The host's canonical account id, so that all of an account's API keys fold into one account. Null: keep the resolved one.</summary>
    public string? AccountId { get; init; }

    /// <summary>The organization or workspace.</summary>
    public string? Organization { get; init; }

    /// <summary>The payment instrument fingerprint (e.g. the card fingerprint from the payment processor).</summary>
    public string? PaymentFingerprint { get; init; }

    /// <summary>The device or browser fingerprint recorded at signup or login.</summary>
    public string? DeviceFingerprint { get; init; }

    /// <summary>The domain of the account's e-mail address.</summary>
    public string? EmailDomain { get; init; }

    /// <summary>When the account was created.</summary>
    public DateTimeOffset? CreatedAt { get; init; }
}
