namespace AntiDistill.Tests.Engine;

/// <summary>The served half of an exchange: what the account took away feeds its own signals.</summary>
public class ServedExchangeTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ObserveServed_UntrackedAccount_ReturnsFalseAndTracksNothing()
    {
        var engine = TestEngine.Create();
        Assert.False(engine.ObserveServed(new ServedExchange { Account = engine.Account(1), Status = 200, OutputTokens = 3000 }));
        Assert.False(engine.ObserveServed(default));
        Assert.Equal(0, engine.TrackedAccounts);
    }

    [Fact]
    public void ObserveServed_LongAnswers_RaiseLongAnswersAndRisk()
    {
        // A weight of its own: the calibration may set the default to 0 (it did when scheduled_pacing arrived), and this
        // test is about the served half reaching the signal and the risk, not about the fitted weight.
        var engine = TestEngine.Create(o => o.Risk.Weights.LongAnswers = 0.5);
        var (light, heavy) = (engine.Account(1), engine.Account(2));
        Assessment lightAfter = default, heavyAfter = default;
        for (int i = 0; i < 20; i++)
        {
            var at = Start.AddMinutes(i * 7);
            engine.Observe(light, at);
            engine.Observe(heavy, at);
            Assert.True(engine.ObserveServed(new ServedExchange { Account = light, Timestamp = at, Status = 200, OutputTokens = 300 }));
            Assert.True(engine.ObserveServed(new ServedExchange { Account = heavy, Timestamp = at, Status = 200, OutputTokens = 3000 }));
        }

        Assert.True(engine.TryAssess(light, out lightAfter));
        Assert.True(engine.TryAssess(heavy, out heavyAfter));
        Assert.Equal(0f, lightAfter[RiskSignal.LongAnswers].Value);
        Assert.Equal(20f / 24, heavyAfter[RiskSignal.LongAnswers].Value, 1e-4f); // share 1, shrunk by 20 / (20 + 4)
        Assert.True(heavyAfter.Risk > lightAfter.Risk, $"{TestEngine.Describe(heavyAfter)} vs {TestEngine.Describe(lightAfter)}");
    }

    [Fact]
    public void ObserveServed_FailedOrRefusedResponses_AreNotTakenAway()
    {
        var engine = TestEngine.Create();
        var account = engine.Account(1);
        for (int i = 0; i < 10; i++)
        {
            engine.Observe(account, Start.AddMinutes(i));
            engine.ObserveServed(new ServedExchange { Account = account, Status = i % 2 == 0 ? 429 : 500, OutputTokens = 5000, ReasoningTokens = 4000 });
        }

        Assert.True(engine.TryAssess(account, out var assessment));
        Assert.Equal(0f, assessment[RiskSignal.LongAnswers].Value);
        Assert.Equal(0f, assessment[RiskSignal.ReasoningTake].Value);
    }

    [Fact]
    public void ObserveServed_ReasoningWithheldByTheHost_DoesNotCountAsTaken()
    {
        var engine = TestEngine.Create();
        var (kept, withheld) = (engine.Account(1), engine.Account(2));
        for (int i = 0; i < 10; i++)
        {
            engine.Observe(kept, Start.AddMinutes(i));
            engine.Observe(withheld, Start.AddMinutes(i));
            engine.ObserveServed(new ServedExchange { Account = kept, Status = 200, OutputTokens = 2500, ReasoningTokens = 2000 });
            engine.ObserveServed(new ServedExchange { Account = withheld, Status = 200, OutputTokens = 2500, ReasoningTokens = 2000, ReasoningTokensWithheld = 2000 });
        }

        Assert.True(engine.TryAssess(kept, out var keptAfter));
        Assert.True(engine.TryAssess(withheld, out var withheldAfter));
        Assert.True(keptAfter[RiskSignal.ReasoningTake].Value > 0.5f);
        Assert.True(keptAfter[RiskSignal.LongAnswers].Value > 0.5f);
        Assert.Equal(0f, withheldAfter[RiskSignal.ReasoningTake].Value);
        Assert.Equal(0f, withheldAfter[RiskSignal.LongAnswers].Value); // 500 answer tokens reached the client
    }

    [Fact]
    public void ObserveServed_NegativeAndHugeCounts_StayWithinSignalRange()
    {
        var engine = TestEngine.Create();
        var account = engine.Account(1);
        engine.Observe(account, Start);
        engine.ObserveServed(new ServedExchange { Account = account, Status = 200, OutputTokens = -5, ReasoningTokens = int.MinValue, ReasoningTokensWithheld = int.MaxValue });
        engine.ObserveServed(new ServedExchange { Account = account, Status = 200, OutputTokens = int.MaxValue, ReasoningTokens = int.MaxValue, ReasoningTokensWithheld = -1 });
        Assert.True(engine.TryAssess(account, out var assessment));
        foreach (var signal in assessment.Signals)
        {
            Assert.InRange(signal.Value, 0f, 1f);
        }
    }

    [AllocationFact]
    public void ObserveServed_WarmAccount_AllocatesNothing()
    {
        var engine = TestEngine.Create();
        var account = engine.Account(1);
        engine.Observe(account, Start);
        var served = new ServedExchange { Account = account, Status = 200, OutputTokens = 2000, ReasoningTokens = 500 };
        for (int i = 0; i < 100; i++)
        {
            engine.ObserveServed(served);
        }

        long allocated = AllocationCounter.Least(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                engine.ObserveServed(served);
            }
        });

        Assert.Equal(0, allocated);
    }
}
