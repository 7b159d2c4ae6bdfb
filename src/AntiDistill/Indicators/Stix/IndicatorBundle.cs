namespace AntiDistill;

/// <summary>TLP 2.0 levels a bundle can be marked with.</summary>
public enum TlpLevel
{
    /// <summary><c>TLP:CLEAR</c>: no limit on disclosure.</summary>
    Clear,

    /// <summary><c>TLP:GREEN</c>: within the recipients' community.</summary>
    Green,

    /// <summary><c>TLP:AMBER</c>: the recipients' organizations and their clients, need to know (the default).</summary>
    Amber,

    /// <summary><c>TLP:AMBER+STRICT</c>: the recipients' organizations only.</summary>
    AmberStrict,

    /// <summary><c>TLP:RED</c>: named recipients only.</summary>
    Red,
}

/// <summary>What a STIX bundle of AntiDistill indicators says: who made it, the campaigns, their indicators, and what was kept back.</summary>
public sealed record IndicatorBundle
{
    /// <summary>The producer's name (its STIX <c>identity</c>).</summary>
    public required string Producer { get; init; }

    /// <summary>When the bundle was made (every object's <c>created</c> and <c>modified</c>).</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>The TLP 2.0 marking of every object. Default <see cref="TlpLevel.Amber"/>.</summary>
    public TlpLevel Tlp { get; init; } = TlpLevel.Amber;

    /// <summary>The campaigns, each with its indicators.</summary>
    public required IReadOnlyList<IndicatorCampaign> Campaigns { get; init; }

    /// <summary>On reading: indicators whose pattern the engine cannot evaluate (counted, not kept).</summary>
    public int SkippedPatterns { get; init; }

    /// <summary>Every indicator of every campaign.</summary>
    public IEnumerable<Indicator> Indicators => Campaigns.SelectMany(static c => c.Indicators);
}

/// <summary>One campaign of a bundle (a cluster or a lone account that the producer rated suspicious or worse).</summary>
public sealed record IndicatorCampaign
{
    /// <summary>The campaign's name (e.g. the producer's cluster id); names no account.</summary>
    public required string Name { get; init; }

    /// <summary>A line for a reviewer: verdict, size, what the evidence is.</summary>
    public string? Description { get; init; }

    /// <summary>The producer's verdict: <c>suspicious</c> or <c>campaign</c>.</summary>
    public string? Verdict { get; init; }

    /// <summary>How many accounts the producer saw in it.</summary>
    public int Accounts { get; init; }

    /// <summary>First and last request the producer saw.</summary>
    public DateTimeOffset? FirstSeen { get; init; }

    /// <summary>Last request the producer saw.</summary>
    public DateTimeOffset? LastSeen { get; init; }

    /// <summary>The evidence, one indicator per value.</summary>
    public required IReadOnlyList<Indicator> Indicators { get; init; }

    /// <summary>What the producer held back from this campaign and why.</summary>
    public IReadOnlyList<WithheldEvidence> Withheld { get; init; } = [];
}

/// <summary>A kind of evidence the producer did not share, with the reason and how many values.</summary>
/// <param name="What">What was held back (e.g. <c>account_ids</c>, <c>network_prefixes_below_k</c>).</param>
/// <param name="Why">Why, for the reader of the bundle.</param>
/// <param name="Count">How many values (0 when not counted).</param>
public sealed record WithheldEvidence(string What, string Why, int Count);

/// <summary>A bundle that cannot be read: not JSON, not STIX 2.1, or missing what an indicator needs.</summary>
public sealed class StixFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public StixFormatException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public StixFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public StixFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
