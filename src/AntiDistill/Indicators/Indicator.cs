namespace AntiDistill;

/// <summary>
/// One piece of shared evidence: a value of one <see cref="IndicatorKind"/> that a producer saw in a campaign, with how
/// sure it is and for how long it holds. Read from (and written to) a STIX 2.1 <c>indicator</c>; carries no user data.
/// </summary>
public sealed record Indicator
{
    /// <summary>The STIX id (<c>indicator--uuid</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The name of the producer's <c>identity</c> (who created it), for explanations.</summary>
    public required string Producer { get; init; }

    /// <summary>What the value is.</summary>
    public required IndicatorKind Kind { get; init; }

    /// <summary>
    /// The value in its canonical text: 16 lower-case hex digits for fingerprints, the JA4 or <c>User-Agent</c> as sent,
    /// the ASN in decimal, a prefix in CIDR notation, a lower-case domain.
    /// </summary>
    public required string Value { get; init; }

    /// <summary>The producer's confidence, 0 to 100 (STIX <c>confidence</c>).</summary>
    public int Confidence { get; init; } = 50;

    /// <summary>From when the indicator holds.</summary>
    public DateTimeOffset ValidFrom { get; init; }

    /// <summary>Until when it holds; its weight fades after (see <see cref="IndicatorMatchOptions.FadeAfterExpiry"/>). Null: no end.</summary>
    public DateTimeOffset? ValidUntil { get; init; }

    /// <summary>The name of the campaign it indicates, if the bundle names one.</summary>
    public string? Campaign { get; init; }
}
