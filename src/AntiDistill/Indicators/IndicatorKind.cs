namespace AntiDistill;

/// <summary>What an <see cref="Indicator"/> describes: each kind is a value another provider can compute from its own traffic.</summary>
public enum IndicatorKind
{
    /// <summary>The unkeyed fingerprint of a prompt's first six words (see <see cref="PromptFingerprints"/>).</summary>
    PromptOpeningFrame,

    /// <summary>The unkeyed fingerprint of a prompt's last six words.</summary>
    PromptClosingFrame,

    /// <summary>The unkeyed fingerprint of a system prompt's bytes.</summary>
    SystemPrompt,

    /// <summary>A TLS client fingerprint (JA4) as the edge reports it.</summary>
    TlsFingerprint,

    /// <summary>A <c>User-Agent</c> value, exported only when it is a software token shared by enough accounts.</summary>
    UserAgent,

    /// <summary>An autonomous system number.</summary>
    Asn,

    /// <summary>A network prefix (IPv4 /16 to /24, IPv6 /40 to /48), never a single address.</summary>
    NetworkPrefix,

    /// <summary>The domain of the account's e-mail address.</summary>
    EmailDomain,
}

/// <summary>Names of the indicator kinds as reports and logs show them.</summary>
public static class IndicatorKindNames
{
    /// <summary>Number of kinds.</summary>
    public const int Count = 8;

    /// <summary>The snake_case name (e.g. <c>prompt_opening_frame</c>).</summary>
    public static string GetName(IndicatorKind kind) => kind switch
    {
        IndicatorKind.PromptOpeningFrame => "prompt_opening_frame",
        IndicatorKind.PromptClosingFrame => "prompt_closing_frame",
        IndicatorKind.SystemPrompt => "system_prompt",
        IndicatorKind.TlsFingerprint => "tls_fingerprint",
        IndicatorKind.UserAgent => "user_agent",
        IndicatorKind.Asn => "asn",
        IndicatorKind.NetworkPrefix => "network_prefix",
        IndicatorKind.EmailDomain => "email_domain",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
