namespace AntiDistill;

/// <summary>Kinds of evidence that two accounts are run by the same operator.</summary>
public enum LinkKind
{
    /// <summary>Same payment instrument fingerprint (hard).</summary>
    Payment,

    /// <summary>Same device or browser fingerprint (hard).</summary>
    Device,

    /// <summary>Same IPv4 /24 or IPv6 /48 within a short window (soft).</summary>
    Network,

    /// <summary>Same client software: user agent plus TLS fingerprint plus ASN (soft).</summary>
    Client,

    /// <summary>Same e-mail domain, when the domain is rare (soft).</summary>
    EmailDomain,

    /// <summary>Accounts created within the same few minutes (soft).</summary>
    SignupBurst,

    /// <summary>Same system prompt (content).</summary>
    SystemPrompt,

    /// <summary>Same opening or closing words around varying items: one harvesting template (content).</summary>
    PromptFrame,

    /// <summary>Prompt sets that overlap: the accounts' content MinHash profiles collide in an LSH band (content).</summary>
    ContentProfile,

    /// <summary>Active in the same short time buckets again and again, as SynchroTrap looks for (timing, counts every time).</summary>
    Synchrony,

    /// <summary>The same machine cadence: a steady request period, as a round-robin load balancer gives each account (timing).</summary>
    Cadence,

    /// <summary>
    /// The same scheduled day: accounts each paced like a schedule (<see cref="RiskSignal.ScheduledPacing"/>) whose
    /// requests centre on the same two hours of the day at the same daily quota (timing). One scheduler driving accounts
    /// that share nothing else leaves this; links only accounts that are each suspicious already.
    /// </summary>
    Schedule,
}

/// <summary>Report names of link kinds.</summary>
public static class LinkKindNames
{
    /// <summary>
    /// The number of kinds. A property rather than a constant, like <see cref="RiskSignalNames.Count"/>: it grows with
    /// every kind, and a constant would be compiled into hosts' assemblies and go stale when they update the package.
    /// </summary>
    public static int Count => KindCount;

    /// <summary>The same number as a constant, for the engine's fixed-size buffers.</summary>
    internal const int KindCount = 12;

    /// <summary>The snake_case name used in reports (e.g. <c>shared_payment</c>).</summary>
    public static string GetName(LinkKind kind) => kind switch
    {
        LinkKind.Payment => "shared_payment",
        LinkKind.Device => "shared_device",
        LinkKind.Network => "shared_network",
        LinkKind.Client => "shared_client",
        LinkKind.EmailDomain => "shared_email_domain",
        LinkKind.SignupBurst => "signup_burst",
        LinkKind.SystemPrompt => "shared_system_prompt",
        LinkKind.PromptFrame => "shared_prompt_frame",
        LinkKind.ContentProfile => "similar_content",
        LinkKind.Synchrony => "synchrony",
        LinkKind.Cadence => "shared_cadence",
        LinkKind.Schedule => "shared_schedule",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
