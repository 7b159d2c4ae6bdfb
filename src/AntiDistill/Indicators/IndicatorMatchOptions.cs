using System.ComponentModel.DataAnnotations;

namespace AntiDistill;

/// <summary>
/// How much each kind of indicator counts when a request matches it, and how fast an expired one fades. A match's
/// weight is confidence / 100 × the feed's trust × the kind's weight here; a request's match strength combines the
/// weights of everything it matched as independent evidence (1 − Π(1 − wᵢ)), and becomes the
/// <see cref="RiskSignal.IndicatorMatch"/> signal.
/// </summary>
/// <remarks>
/// Content fingerprints weigh fully: a prompt frame or a system prompt is a campaign's recipe, and the exporter shares
/// only those no organic account used. Client and network values are shared by unrelated people (one JA4 per HTTP
/// library, one ASN per ISP, a residential proxy pool that a reseller also sells to ordinary VPN users), so they weigh
/// little: with the default risk weights a fully trusted one adds at most 1.6 to the log-odds, and in the two-provider
/// experiment (benchmarks/results/indicator-sharing.md) a prefix weighed 0.4 flagged half of the VPN users sharing the
/// campaign's proxy exits on their first request, where 0.2 flags none.
/// </remarks>
public sealed class IndicatorMatchOptions
{
    /// <summary>Weight of <see cref="IndicatorKind.PromptOpeningFrame"/> and <see cref="IndicatorKind.PromptClosingFrame"/>. Default 1.</summary>
    [Range(0, 1)]
    public double PromptFrame { get; set; } = 1;

    /// <summary>Weight of <see cref="IndicatorKind.SystemPrompt"/>. Default 1.</summary>
    [Range(0, 1)]
    public double SystemPrompt { get; set; } = 1;

    /// <summary>Weight of <see cref="IndicatorKind.TlsFingerprint"/>. Default 0.15.</summary>
    [Range(0, 1)]
    public double TlsFingerprint { get; set; } = 0.15;

    /// <summary>Weight of <see cref="IndicatorKind.UserAgent"/>. Default 0.1.</summary>
    [Range(0, 1)]
    public double UserAgent { get; set; } = 0.1;

    /// <summary>Weight of <see cref="IndicatorKind.Asn"/>. Default 0.05.</summary>
    [Range(0, 1)]
    public double Asn { get; set; } = 0.05;

    /// <summary>Weight of <see cref="IndicatorKind.NetworkPrefix"/>. Default 0.2.</summary>
    [Range(0, 1)]
    public double NetworkPrefix { get; set; } = 0.2;

    /// <summary>Weight of <see cref="IndicatorKind.EmailDomain"/>. Default 0.2.</summary>
    [Range(0, 1)]
    public double EmailDomain { get; set; } = 0.2;

    /// <summary>After <see cref="Indicator.ValidUntil"/> the weight falls linearly to 0 over this long. Default 7 days.</summary>
    public TimeSpan FadeAfterExpiry { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The weight of one kind.</summary>
    public double this[IndicatorKind kind] => kind switch
    {
        IndicatorKind.PromptOpeningFrame or IndicatorKind.PromptClosingFrame => PromptFrame,
        IndicatorKind.SystemPrompt => SystemPrompt,
        IndicatorKind.TlsFingerprint => TlsFingerprint,
        IndicatorKind.UserAgent => UserAgent,
        IndicatorKind.Asn => Asn,
        IndicatorKind.NetworkPrefix => NetworkPrefix,
        IndicatorKind.EmailDomain => EmailDomain,
        _ => 0,
    };
}
