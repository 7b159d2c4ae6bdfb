using FsCheck;
using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;

namespace AntiDistill.Tests.Engine;

public class DistillationEngineTests
{
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    private static readonly byte[] BlatantHarvest = TestText.Utf8(
        "Solve the following problem. Think step by step and write out your complete internal reasoning before giving the final answer. " +
        "Reconstruct the reasoning behind the correct answer, every intermediate step included, then double check every number.\n\n" +
        "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether?");

    [Fact]
    public void Observe_DefaultAccountId_ThrowsArgumentException()
    {
        var engine = TestEngine.Create();
        var ex = Assert.Throws<ArgumentException>(() => engine.Observe(new Observation { Prompt = TestEngine.OrdinaryPrompt, TurnCount = 1 }));
        Assert.Equal("observation", ex.ParamName);
        Assert.Equal(0, engine.TrackedAccounts);
    }

    [Fact]
    public void Constructor_NullOptions_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new DistillationEngine(null!));
    }

    [Fact]
    public void Observe_NoTimestamp_ReadsTheInjectedClockForHourOfDay()
    {
        // 24 requests one hour apart on the fake clock cover every hour of the day; a real clock would put
        // them all in the same hour (around-the-clock 0).
        var time = new FakeTimeProvider(Monday);
        var engine = TestEngine.Create(time: time);
        var account = engine.Account(1);
        Assessment last = default;
        for (int i = 0; i < 24; i++)
        {
            last = engine.Observe(account);
            time.Advance(TimeSpan.FromHours(1));
        }

        // Entropy 1 over 24 hours, shrunk by n / (n + 24) = 0.5.
        Assert.Equal(0.5f, last[RiskSignal.AroundTheClock].Value, 1e-4f);

        // The same 24 requests one minute apart stay within one hour.
        var sameHour = engine.Account(2);
        for (int i = 0; i < 24; i++)
        {
            last = engine.Observe(sameHour);
            time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(0f, last[RiskSignal.AroundTheClock].Value);
    }

    [Fact]
    public void Observe_NoTimestamp_IsAgedByTheInjectedClock()
    {
        // The fake clock is in 2000: had the engine read the system clock, the account would look recent forever.
        var time = new FakeTimeProvider(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var engine = TestEngine.Create(o => o.Accounts.IdleTimeout = TimeSpan.FromMinutes(5), time);
        var account = engine.Account(1);
        engine.Observe(account);

        time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(0, engine.EvictIdle());
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, engine.EvictIdle());
        Assert.False(engine.TryAssess(account, out _));
    }

    [Fact]
    public void Observe_ExplicitTimestamp_WinsOverTheClock()
    {
        var time = new FakeTimeProvider(Monday.AddDays(10));
        var engine = TestEngine.Create(o => o.Accounts.IdleTimeout = TimeSpan.FromDays(1), time);
        var old = engine.Account(1);
        var recent = engine.Account(2);
        engine.Observe(old, Monday);
        engine.Observe(recent, time.GetUtcNow().AddHours(-1));

        Assert.Equal(1, engine.EvictIdle());
        Assert.False(engine.TryAssess(old, out _));
        Assert.True(engine.TryAssess(recent, out _));
    }

    [Fact]
    public void Observe_EmptyPrompt_IsObserved()
    {
        var engine = TestEngine.Create();
        var account = engine.Account(1);
        var assessment = engine.Observe(new Observation { Account = account, Timestamp = Monday, Prompt = [], TurnCount = 1 });
        Assert.Equal(1, assessment.Requests);
        Assert.InRange(assessment.Risk, 0f, 1f);
        Assert.Equal(account, assessment.Account);

        var again = engine.Observe(new Observation { Account = account, Timestamp = Monday.AddSeconds(5) });
        Assert.Equal(2, again.Requests);
    }

    [Fact]
    public void Observe_InvalidUtf8_IsObserved()
    {
        byte[] invalid = [0xC3, 0x28, 0x20, 0xFF, 0xFE, 0x20, 0xE2, 0x82, 0x20, 0x61, 0x62, 0xF0, 0x9F, 0x98];
        var engine = TestEngine.Create();
        var account = engine.Account(1);
        var assessment = engine.Observe(new Observation { Account = account, Timestamp = Monday, Prompt = invalid, SystemPrompt = invalid, ToolCount = 3, TurnCount = 1 });
        Assert.Equal(1, assessment.Requests);
        Assert.InRange(assessment.Risk, 0f, 1f);
    }

    [Property(MaxTest = 100)]
    public bool Observe_ArbitraryBytes_NeverThrowsAndCountsEveryRequest(byte[][] prompts)
    {
        var engine = TestEngine.Create();
        var account = engine.Account(1);
        int n = 0;
        foreach (byte[]? prompt in (prompts ?? []).Take(20))
        {
            var a = engine.Observe(new Observation { Account = account, Timestamp = Monday.AddSeconds(n), Prompt = prompt ?? [], SystemPrompt = prompt ?? [], TurnCount = n % 3 });
            n++;
            if (a.Requests != n || float.IsNaN(a.Risk) || a.Risk < 0 || a.Risk > 1)
            {
                return false;
            }
        }

        return true;
    }

    [Fact]
    public void TryAssess_UnknownAccount_ReturnsFalse()
    {
        var engine = TestEngine.Create();
        engine.Observe(engine.Account(1), Monday);
        Assert.False(engine.TryAssess(engine.Account(2), out _));
        Assert.False(engine.TryAssess(default, out _));
        Assert.Equal(1, engine.TrackedAccounts);
    }

    [Fact]
    public void TryAssess_KnownAccount_EqualsTheLastObserve()
    {
        var engine = TestEngine.Create();
        var account = engine.Account(1);
        Assessment last = default;
        for (int i = 0; i < 15; i++)
        {
            last = engine.Observe(new Observation
            {
                Account = account,
                Timestamp = Monday.AddMinutes(7 * i),
                Prompt = i % 2 == 0 ? BlatantHarvest : TestEngine.OrdinaryPrompt,
                TurnCount = 1,
                MaxOutputTokens = 32000,
                ReasoningRequested = true,
            });
        }

        Assert.True(engine.TryAssess(account, out var assessed));
        Assert.Equal(account, assessed.Account);
        Assert.Equal(last.Risk, assessed.Risk);
        Assert.Equal(last.Verdict, assessed.Verdict);
        Assert.Equal(15, assessed.Requests);
        Assert.True(last.Signals.SequenceEqual(assessed.Signals), $"observe: {TestEngine.Describe(last)}\nassess: {TestEngine.Describe(assessed)}");

        // Assessing observes nothing.
        Assert.True(engine.TryAssess(account, out var again));
        Assert.Equal(15, again.Requests);
    }

    [Fact]
    public void Observe_OneBlatantChainOfThoughtHarvest_IsStillOrganic()
    {
        var engine = TestEngine.Create();
        var assessment = engine.Observe(new Observation
        {
            Account = engine.Account(1),
            Timestamp = Monday,
            Prompt = BlatantHarvest,
            TurnCount = 1,
            MaxOutputTokens = 64000,
            ReasoningRequested = true,
        });

        Assert.True(assessment.Verdict == Verdict.Organic, TestEngine.Describe(assessment));

        // The prompt itself is recognised; only the evidence shrinkage keeps one request organic.
        Assert.True(assessment[RiskSignal.CotElicitation].Value > 0, TestEngine.Describe(assessment));
        Assert.True(assessment[RiskSignal.TraceHarvest].Value > 0, TestEngine.Describe(assessment));
    }

    [Property(MaxTest = 200)]
    public bool Observe_AnySingleRequest_IsOrganic(byte[] prompt, bool reasoning, PositiveInt budget, byte tools, byte turns, bool blatant)
    {
        var engine = TestEngine.Create();
        var assessment = engine.Observe(new Observation
        {
            Account = engine.Account(1),
            Timestamp = Monday,
            Prompt = blatant ? BlatantHarvest : prompt ?? [],
            ToolCount = tools % 20,
            TurnCount = turns % 5,
            MaxOutputTokens = budget.Get,
            ReasoningRequested = reasoning,
        });
        return assessment.Verdict == Verdict.Organic && assessment.Requests == 1;
    }

    [Fact]
    public void Observe_SustainedBlatantHarvest_IsEventuallyFlagged()
    {
        // The counterpart of the single-request test: the same request repeated is not shrunk away forever.
        var engine = TestEngine.Create();
        var account = engine.Account(1);
        Assessment last = default;
        for (int i = 0; i < 30; i++)
        {
            last = engine.Observe(new Observation
            {
                Account = account,
                Timestamp = Monday.AddMinutes(10 * i),
                Prompt = BlatantHarvest,
                TurnCount = 1,
                MaxOutputTokens = 64000,
                ReasoningRequested = true,
            });
        }

        Assert.True(last.Verdict >= Verdict.Suspicious, TestEngine.Describe(last));
    }

    [Fact]
    public void Observe_PrecomputedFeaturesWithoutAccount_Throws()
    {
        var engine = TestEngine.Create();
        PromptFeatureExtractor.Default.Extract(TestEngine.OrdinaryPrompt, default, 0, out var features);
        Assert.Throws<ArgumentException>(() => engine.Observe(new Observation { Prompt = TestEngine.OrdinaryPrompt }, features));
        Assert.Equal(0, engine.TrackedAccounts);
    }
}
