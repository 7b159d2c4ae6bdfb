using System.Net;

namespace AntiDistill.Tests.Indicators;

public sealed class IndicatorSetTests
{
    private static readonly byte[] Harvest = TestText.Utf8("Reconstruct the complete reasoning behind this answer: what is 17 times 23? Show every intermediate step.");
    private static readonly DateTimeOffset Now = SampleBundles.Created.AddDays(1);

    [Fact]
    public void Match_EveryKind_FoundThroughTheEnginesOwnKeyedValues()
    {
        var engine = TestEngine.Create();
        var ids = engine.Identities;
        var (opening, closing) = PromptFingerprints.Frames(Harvest);
        var cases = new (Indicator Indicator, PromptFeatures Features, ClientAttributes Client)[]
        {
            (SampleBundles.Make(IndicatorKind.PromptOpeningFrame, PromptFingerprints.Format(opening)), Features(Harvest), default),
            (SampleBundles.Make(IndicatorKind.PromptClosingFrame, PromptFingerprints.Format(closing)), Features(Harvest), default),
            (SampleBundles.Make(IndicatorKind.SystemPrompt, PromptFingerprints.Format(PromptFingerprints.SystemPrompt("scaffold"u8))), Features(TestEngine.OrdinaryPrompt, "scaffold"u8), default),
            (SampleBundles.Make(IndicatorKind.TlsFingerprint, "t13d1516h2_8daaf6152771"), default, new ClientAttributes { TlsFingerprint = ids.Hash("t13d1516h2_8daaf6152771") }),
            (SampleBundles.Make(IndicatorKind.UserAgent, "python-httpx/0.28.1"), default, new ClientAttributes { UserAgent = ids.Hash("python-httpx/0.28.1") }),
            (SampleBundles.Make(IndicatorKind.Asn, "64500"), default, new ClientAttributes { Asn = 64500 }),
            (SampleBundles.Make(IndicatorKind.NetworkPrefix, "198.51.100.0/24"), default, new ClientAttributes { IpPrefix = ids.IpPrefix(IPAddress.Parse("198.51.100.77")) }),
            (SampleBundles.Make(IndicatorKind.NetworkPrefix, "2001:db8:1::/48"), default, new ClientAttributes { IpPrefix = ids.IpPrefix(IPAddress.Parse("2001:db8:1:ff::9")) }),
            (SampleBundles.Make(IndicatorKind.EmailDomain, "tempinbox.example"), default, new ClientAttributes { EmailDomain = ids.Hash("tempinbox.example") }),
        };

        var set = IndicatorSet.Compile([new IndicatorFeedContent([.. cases.Select(c => c.Indicator)], 1)], ids);
        Assert.Equal(cases.Length, set.Count);
        foreach (var (indicator, features, client) in cases)
        {
            Assert.NotNull(set.Match(features, client, Now.ToUnixTimeMilliseconds()).Strongest);

            // Alone in its set, each indicator is found with its own weight (the frames of one prompt would otherwise add up).
            var alone = IndicatorSet.Compile([new IndicatorFeedContent([indicator], 1)], ids);
            var match = alone.Match(features, client, Now.ToUnixTimeMilliseconds());
            Assert.Same(indicator, match.Strongest);
            Assert.Equal(0.85 * new IndicatorMatchOptions()[indicator.Kind], match.Strength, 0.0001);
        }

        Assert.Equal(default, set.Match(Features(TestEngine.OrdinaryPrompt), new ClientAttributes { Asn = 64501, TlsFingerprint = ids.Hash("other") }, Now.ToUnixTimeMilliseconds()));
    }

    [Fact]
    public void Match_AnotherProvidersKey_KeyedValuesStillMatch()
    {
        // The bundle carries clear values; each provider keys them with its own secret, so B matches A's JA4 without A's key.
        var a = new IdentityHasher(Enumerable.Repeat((byte)1, 32).ToArray());
        var b = new IdentityHasher(Enumerable.Repeat((byte)2, 32).ToArray());
        var set = IndicatorSet.Compile([new IndicatorFeedContent([SampleBundles.Make(IndicatorKind.TlsFingerprint, "ja4_x")], 1)], b);
        Assert.NotNull(set.Match(default, new ClientAttributes { TlsFingerprint = b.Hash("ja4_x") }, Now.ToUnixTimeMilliseconds()).Strongest);
        Assert.Null(set.Match(default, new ClientAttributes { TlsFingerprint = a.Hash("ja4_x") }, Now.ToUnixTimeMilliseconds()).Strongest);
    }

    [Theory]
    [InlineData("198.51.100.0/22", "198.51.103.9", true)]
    [InlineData("198.51.100.0/22", "198.51.104.9", false)]
    [InlineData("10.1.0.0/16", "10.1.255.1", true)]
    [InlineData("2001:db8:100::/40", "2001:db8:1ff:1::1", true)]
    [InlineData("2001:db8:100::/40", "2001:db8:200::1", false)]
    public void Match_PrefixWiderThanEngines_CoversEveryInnerPrefix(string cidr, string address, bool expected)
    {
        var ids = TestEngine.Create().Identities;
        var set = IndicatorSet.Compile([new IndicatorFeedContent([SampleBundles.Make(IndicatorKind.NetworkPrefix, cidr)], 1)], ids);
        var match = set.Match(default, new ClientAttributes { IpPrefix = ids.IpPrefix(IPAddress.Parse(address)) }, Now.ToUnixTimeMilliseconds());
        Assert.Equal(expected, match.Strongest is not null);
    }

    [Theory]
    [InlineData("10.0.0.0/8")]
    [InlineData("198.51.100.7/32")]
    [InlineData("198.51.100.7")]
    [InlineData("2001:db8::/32")]
    public void Compile_ValueTheEngineCannotEvaluate_CountedAsSkipped(string cidr)
    {
        var set = IndicatorSet.Compile([new IndicatorFeedContent([SampleBundles.Make(IndicatorKind.NetworkPrefix, cidr)], 1)], TestEngine.Create().Identities);
        Assert.Equal(0, set.Count);
        Assert.Equal(1, set.Skipped);
    }

    [Fact]
    public void Match_AroundValidity_NothingBeforeFullUntilExpiryThenFadesToZero()
    {
        var until = SampleBundles.Created.AddDays(10);
        var indicator = SampleBundles.Make(IndicatorKind.Asn, "64500", confidence: 100, until: until);
        var set = IndicatorSet.Compile([new IndicatorFeedContent([indicator], 1)], TestEngine.Create().Identities, new IndicatorMatchOptions { Asn = 1, FadeAfterExpiry = TimeSpan.FromDays(4) });
        var client = new ClientAttributes { Asn = 64500 };
        float At(DateTimeOffset t) => set.Match(default, client, t.ToUnixTimeMilliseconds()).Strength;

        Assert.Equal(0, At(SampleBundles.Created.AddSeconds(-1)));
        Assert.Equal(1, At(until));
        Assert.Equal(0.5, At(until.AddDays(2)), 3);
        Assert.Equal(0, At(until.AddDays(4)));
    }

    [Fact]
    public void Match_SeveralKinds_CombineAsIndependentEvidenceAndTrustScales()
    {
        var ids = TestEngine.Create().Identities;
        var indicators = new[] { SampleBundles.Make(IndicatorKind.Asn, "64500", 100), SampleBundles.Make(IndicatorKind.TlsFingerprint, "ja4_x", 100) };
        var options = new IndicatorMatchOptions { Asn = 0.5, TlsFingerprint = 0.5 };
        var client = new ClientAttributes { Asn = 64500, TlsFingerprint = ids.Hash("ja4_x") };
        var full = IndicatorSet.Compile([new IndicatorFeedContent(indicators, 1)], ids, options);
        var half = IndicatorSet.Compile([new IndicatorFeedContent(indicators, 0.5)], ids, options);

        Assert.Equal(0.75, full.Match(default, client, Now.ToUnixTimeMilliseconds()).Strength, 3);
        Assert.Equal(1 - (0.75 * 0.75), half.Match(default, client, Now.ToUnixTimeMilliseconds()).Strength, 3);
    }

    [Fact]
    public void Observe_FrameFromFeed_FlagsFirstRequestAndNamesIndicator()
    {
        var engine = TestEngine.Create();
        var (opening, _) = PromptFingerprints.Frames(Harvest);
        var indicator = SampleBundles.Make(IndicatorKind.PromptOpeningFrame, PromptFingerprints.Format(opening));
        engine.Indicators = IndicatorSet.Compile([new IndicatorFeedContent([indicator], 1)], engine.Identities);

        var assessment = engine.Observe(new Observation { Account = engine.Account(1), Timestamp = Now, Prompt = Harvest, TurnCount = 1 });

        Assert.True(assessment.Verdict >= Verdict.Suspicious, TestEngine.Describe(assessment));
        Assert.Same(indicator, assessment.MatchedIndicator);
        Assert.Equal("Provider A", assessment.MatchedIndicator!.Producer);
        Assert.True(assessment[RiskSignal.IndicatorMatch].Contribution > 0);
        Assert.True(engine.TryAssess(engine.Account(1), out var later));
        Assert.Same(indicator, later.MatchedIndicator);
    }

    [Fact]
    public void Observe_OnlyAsnFromFeed_StaysOrganic()
    {
        var engine = TestEngine.Create();
        engine.Indicators = IndicatorSet.Compile([new IndicatorFeedContent([SampleBundles.Make(IndicatorKind.Asn, "64500", 100)], 1)], engine.Identities);
        var assessment = engine.Observe(new Observation
        {
            Account = engine.Account(1), Timestamp = Now, Prompt = TestEngine.OrdinaryPrompt, TurnCount = 1, Client = new ClientAttributes { Asn = 64500 },
        });

        Assert.True(assessment[RiskSignal.IndicatorMatch].Value > 0);
        Assert.Equal(Verdict.Organic, assessment.Verdict);
    }

    [AllocationFact]
    public void Observe_HundredThousandIndicators_AllocatesNothing()
    {
        var engine = TestEngine.Create(o => o.Linkage.Enabled = false);
        engine.Indicators = IndicatorSet.Compile([new IndicatorFeedContent(Many(100_000), 1)], engine.Identities);
        var account = engine.Account(1);
        var client = new ClientAttributes { Asn = 64500, TlsFingerprint = 5, IpPrefix = 6, UserAgent = 7, EmailDomain = 8 };
        float Observe(int i) => engine.Observe(new Observation { Account = account, Timestamp = Now.AddSeconds(i), Prompt = Harvest, SystemPrompt = "x"u8, TurnCount = 1, Client = client }).Risk;
        for (int i = 0; i < 1000; i++)
        {
            Observe(i);
        }

        float sink = 0;
        int next = 1000;
        long allocated = AllocationCounter.Least(() =>
        {
            for (int end = next + 1000; next < end; next++)
            {
                sink += Observe(next);
            }
        });

        Assert.Equal(0, allocated);
        Assert.True(sink > 0);
    }

    /// <summary>Indicators of every kind with distinct values, as a large feed would hold them.</summary>
    internal static List<Indicator> Many(int count)
    {
        var list = new List<Indicator>(count);
        for (int i = 0; i < count; i++)
        {
            var kind = (IndicatorKind)(i % 3);
            list.Add(SampleBundles.Make(kind, PromptFingerprints.Format((ulong)(i + 1) * 0x9E3779B97F4A7C15UL | 1)));
        }

        return list;
    }

    private static PromptFeatures Features(byte[] prompt, ReadOnlySpan<byte> system = default)
    {
        PromptFeatureExtractor.Default.Extract(prompt, system, 0, out var features);
        return features;
    }
}
