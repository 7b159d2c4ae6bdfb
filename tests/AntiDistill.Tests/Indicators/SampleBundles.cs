namespace AntiDistill.Tests.Indicators;

/// <summary>A bundle with one indicator of every kind, for round trips and schema checks.</summary>
internal static class SampleBundles
{
    public static readonly DateTimeOffset Created = new(2026, 4, 22, 10, 0, 0, TimeSpan.Zero);

    public static Indicator Make(IndicatorKind kind, string value, int confidence = 85, DateTimeOffset? until = null) => new()
    {
        Id = StixBundleWriter.IndicatorId("Provider A", kind, value),
        Producer = "Provider A",
        Kind = kind,
        Value = value,
        Confidence = confidence,
        ValidFrom = Created,
        ValidUntil = until ?? Created.AddDays(30),
        Campaign = "c-0001",
    };

    public static IReadOnlyList<Indicator> EveryKind() =>
    [
        Make(IndicatorKind.PromptOpeningFrame, PromptFingerprints.Format(0x0123456789abcdefUL)),
        Make(IndicatorKind.PromptClosingFrame, PromptFingerprints.Format(0xfedcba9876543211UL)),
        Make(IndicatorKind.SystemPrompt, PromptFingerprints.Format(0x1111222233334445UL)),
        Make(IndicatorKind.TlsFingerprint, "t13d1516h2_8daaf6152771_02713d6af862", 40),
        Make(IndicatorKind.UserAgent, "python-httpx/0.28.1 'quoted' \\ back", 30),
        Make(IndicatorKind.Asn, "64500", 20),
        Make(IndicatorKind.NetworkPrefix, "198.51.100.0/24", 60),
        Make(IndicatorKind.NetworkPrefix, "2001:db8:1::/48", 60),
        Make(IndicatorKind.EmailDomain, "tempinbox.example", 50),
    ];

    public static IndicatorBundle Bundle(TlpLevel tlp = TlpLevel.Amber) => new()
    {
        Producer = "Provider A",
        Created = Created,
        Tlp = tlp,
        Campaigns =
        [
            new IndicatorCampaign
            {
                Name = "c-0001",
                Description = "campaign of 12 accounts",
                Verdict = "campaign",
                Accounts = 12,
                FirstSeen = Created.AddDays(-7),
                LastSeen = Created,
                Indicators = EveryKind(),
                Withheld = [new WithheldEvidence("account_ids", "identify customers", 12)],
            },
        ],
    };
}
