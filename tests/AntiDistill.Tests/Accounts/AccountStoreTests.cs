using Microsoft.Extensions.Time.Testing;

namespace AntiDistill.Tests.Accounts;

public class AccountStoreTests
{
    [Fact]
    public void Observe_FarMoreAccountsThanMaxAccounts_TrackedAccountsNeverExceedsTheCap()
    {
        const int cap = 1000;
        var engine = TestEngine.Create(o =>
        {
            o.Accounts.MaxAccounts = cap;
            o.Accounts.Shards = 4;
        });
        var at = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

        int peak = 0;
        for (int i = 0; i < 20_000; i++)
        {
            engine.Observe(engine.Account(i), at.AddSeconds(i));
            peak = Math.Max(peak, engine.TrackedAccounts);
        }

        Assert.True(peak <= cap, $"peak {peak} tracked accounts with MaxAccounts {cap}");
        Assert.Equal(cap, engine.TrackedAccounts);
    }

    /// <summary>
    /// MaxAccounts is documented as "most accounts tracked at once", whatever the shard count; shard counts
    /// that do not divide it (or exceed it) must not round the total capacity up.
    /// </summary>
    [Theory]
    [InlineData(1000, 3)]
    [InlineData(1000, 16)]
    [InlineData(1000, 64)]
    [InlineData(10, 64)]
    [InlineData(1, 8)]
    public void Observe_ShardCountNotDividingMaxAccounts_TrackedAccountsNeverExceedsTheCap(int cap, int shards)
    {
        var engine = TestEngine.Create(o =>
        {
            o.Accounts.MaxAccounts = cap;
            o.Accounts.Shards = shards;
        });
        var at = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

        int peak = 0;
        for (int i = 0; i < 20 * Math.Max(cap, shards * 16); i++)
        {
            engine.Observe(engine.Account(i), at.AddSeconds(i));
            peak = Math.Max(peak, engine.TrackedAccounts);
        }

        Assert.True(peak <= cap, $"peak {peak} tracked accounts with MaxAccounts {cap} and Shards {shards}");
    }

    [Fact]
    public void Observe_SameAccountAgain_KeepsAndIncrementsItsRequestCount()
    {
        var engine = TestEngine.Create(o => o.Accounts.Shards = 2);
        var account = engine.Account(1);
        var other = engine.Account(2);
        var at = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

        for (int i = 1; i <= 12; i++)
        {
            Assert.Equal(i, engine.Observe(account, at.AddMinutes(i)).Requests);
            Assert.Equal(i, engine.Observe(other, at.AddMinutes(i)).Requests);
        }

        Assert.True(engine.TryAssess(account, out var assessment));
        Assert.Equal(12, assessment.Requests);
        Assert.Equal(account, assessment.Account);
        Assert.Equal(2, engine.TrackedAccounts);
    }

    /// <summary>
    /// One shard (so the test does not depend on hashing), full of accounts seen once. A first wave of new
    /// accounts pushes some out while nothing tells them apart; of the originals still tracked after it, every
    /// tenth is "hot" and is used again between the following waves, the rest are never touched again. CLOCK
    /// gives recently used accounts a second chance, so the hot ones outlive the untouched ones of the same age.
    /// Everything is deterministic.
    /// </summary>
    [Fact]
    public void Observe_FullStore_EvictsUntouchedAccountsBeforeRecentlyUsedOnes()
    {
        const int cap = 200;
        const int waves = 12;
        const int waveSize = 25;
        var engine = TestEngine.Create(o =>
        {
            o.Accounts.MaxAccounts = cap;
            o.Accounts.Shards = 1;
        });
        var at = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
        int next = 0;
        DateTimeOffset Tick() => at = at.AddSeconds(1);
        void Wave()
        {
            for (int i = 0; i < waveSize; i++)
            {
                engine.Observe(engine.Account(next++), Tick());
            }
        }

        var originals = new List<AccountId>();
        for (int i = 0; i < cap; i++)
        {
            var account = engine.Account(next++);
            engine.Observe(account, Tick());
            originals.Add(account);
        }

        Assert.Equal(cap, engine.TrackedAccounts);
        Wave();
        Assert.Equal(cap, engine.TrackedAccounts);

        var remaining = originals.Where(a => engine.TryAssess(a, out _)).ToList();
        var hot = remaining.Where((_, i) => i % 10 == 5).ToList();
        var cold = remaining.Where((_, i) => i % 10 != 5).ToList();
        Assert.True(hot.Count >= 10, $"{remaining.Count} originals left after the first wave");

        for (int wave = 0; wave < waves; wave++)
        {
            foreach (var account in hot)
            {
                engine.Observe(account, Tick());
            }

            Wave();
        }

        // Survived = never evicted: a hot account evicted and re-added would have fewer requests than it was sent.
        int hotSurvivors = hot.Count(a => engine.TryAssess(a, out var s) && s.Requests == 1 + waves);
        int coldSurvivors = cold.Count(a => engine.TryAssess(a, out _));
        double hotRate = hotSurvivors / (double)hot.Count;
        double coldRate = coldSurvivors / (double)cold.Count;
        string counts = $"hot survival {hotSurvivors}/{hot.Count}, cold survival {coldSurvivors}/{cold.Count}";

        // 300 more new accounts went through a store of 200: untouched originals are mostly gone, hot ones stay.
        Assert.True(hotRate > coldRate, counts);
        Assert.True(hotRate >= 0.9, counts);
        Assert.True(coldRate <= 0.5, counts);
        Assert.Equal(cap, engine.TrackedAccounts);
    }

    [Fact]
    public void EvictIdle_AccountsIdlePastIdleTimeout_AreForgottenUsingTheInjectedClock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 12, 0, 0, TimeSpan.Zero));
        var engine = TestEngine.Create(o => o.Accounts.IdleTimeout = TimeSpan.FromHours(1), time);
        var idle = engine.Account(1);
        var active = engine.Account(2);

        // No Timestamp on the observations: the engine reads the fake clock.
        engine.Observe(idle);
        engine.Observe(active);
        time.Advance(TimeSpan.FromMinutes(40));
        engine.Observe(active);
        time.Advance(TimeSpan.FromMinutes(20));

        // Exactly one idle timeout since `idle` was seen: not yet past it.
        Assert.Equal(0, engine.EvictIdle());
        Assert.Equal(2, engine.TrackedAccounts);

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, engine.EvictIdle());
        Assert.False(engine.TryAssess(idle, out _));
        Assert.True(engine.TryAssess(active, out var kept));
        Assert.Equal(2, kept.Requests);
        Assert.Equal(1, engine.TrackedAccounts);

        time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(1, engine.EvictIdle());
        Assert.Equal(0, engine.TrackedAccounts);
        Assert.Equal(0, engine.EvictIdle());

        // A forgotten account starts over.
        Assert.Equal(1, engine.Observe(idle).Requests);
        Assert.Equal(1, engine.TrackedAccounts);
    }

    [Fact]
    public void EvictIdle_ManyAccounts_KeepsTheStoreConsistent()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero));
        var engine = TestEngine.Create(o =>
        {
            o.Accounts.IdleTimeout = TimeSpan.FromMinutes(30);
            o.Accounts.Shards = 2;
            o.Accounts.MaxAccounts = 64;
        }, time);

        // 100 accounts one minute apart: at the end the first 70 have been idle for more than 30 minutes.
        for (int i = 0; i < 100; i++)
        {
            engine.Observe(engine.Account(i));
            time.Advance(TimeSpan.FromMinutes(1));
        }

        int before = engine.TrackedAccounts;
        int evicted = engine.EvictIdle();
        Assert.Equal(before - evicted, engine.TrackedAccounts);
        for (int i = 0; i < 100; i++)
        {
            bool tracked = engine.TryAssess(engine.Account(i), out var assessment);
            if (i < 70)
            {
                Assert.False(tracked, $"account {i} idle {100 - i} minutes is still tracked");
            }
            else if (tracked)
            {
                Assert.Equal(1, assessment.Requests);
            }
        }

        // The freed slots are reusable and the survivors are untouched.
        for (int i = 0; i < 10; i++)
        {
            engine.Observe(engine.Account(1000 + i));
        }

        Assert.True(engine.TrackedAccounts <= 64);
    }

    [Fact]
    public void Observe_EightThreadsOnFewAccounts_CountsEveryObservationExactly()
    {
        const int threads = 8;
        const int perThread = 2000;
        var engine = TestEngine.Create(o => o.Accounts.Shards = 2);
        var accounts = Enumerable.Range(0, 5).Select(engine.Account).ToArray();
        var start = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            for (int i = 0; i < perThread; i++)
            {
                var account = accounts[(i + t) % accounts.Length];
                var assessment = engine.Observe(new Observation
                {
                    Account = account,
                    Timestamp = start.AddMilliseconds((i * threads) + t),
                    Prompt = TestEngine.OrdinaryPrompt,
                    TurnCount = 1,
                });
                if (assessment.Requests < 1 || assessment.Account != account)
                {
                    throw new InvalidOperationException($"bad assessment on thread {t}: {assessment.Requests} requests");
                }
            }
        });

        int total = 0;
        foreach (var account in accounts)
        {
            Assert.True(engine.TryAssess(account, out var assessment));
            total += assessment.Requests;
        }

        Assert.Equal(threads * perThread, total);
        Assert.Equal(accounts.Length, engine.TrackedAccounts);
    }
}
