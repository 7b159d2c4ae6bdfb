using FsCheck.Xunit;

namespace AntiDistill.Tests.Accounts;

/// <summary>The <see cref="RiskSignal.ScheduledPacing"/> signal: a schedule spread over every day, against a person's sittings.</summary>
public class ScheduledPacingTests
{
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Observes <paramref name="perDay"/> requests on each of <paramref name="days"/> days (every <paramref name="dayStep"/>th), <paramref name="gap"/> apart from 09:00.</summary>
    private static float Pacing(int days, int perDay, TimeSpan gap, int dayStep = 1)
    {
        var engine = TestEngine.Create();
        var account = engine.Account(1);
        Assessment last = default;
        for (int day = 0; day < days; day += dayStep)
        {
            for (int i = 0; i < perDay; i++)
            {
                last = engine.Observe(account, Monday.AddDays(day).AddHours(9) + (gap * i));
            }
        }

        return last[RiskSignal.ScheduledPacing].Value;
    }

    [Fact]
    public void ScheduledPacing_FewRequestsEveryDaySpreadOverTheDay_Strong()
    {
        // Every day present, no gap within a sitting: 1 x 1 x (6 / 9 days) x (42 / 52 requests) = 0.54.
        Assert.Equal(0.538f, Pacing(days: 7, perDay: 6, gap: TimeSpan.FromHours(2)), 0.002f);
    }

    [Fact]
    public void ScheduledPacing_SameVolumeAskedInOneSittingADay_Weak()
    {
        // A person who sits down once a day and asks six things in a row: 35 of the 41 gaps are within a sitting.
        float sittings = Pacing(days: 7, perDay: 6, gap: TimeSpan.FromMinutes(2));
        Assert.InRange(sittings, 0.07f, 0.08f);
        Assert.True(sittings < Pacing(days: 7, perDay: 6, gap: TimeSpan.FromHours(2)) / 5);
    }

    [Fact]
    public void ScheduledPacing_EverySecondDay_ScaledByPresence()
    {
        // Days 0, 2, 4, 6: present on 4 of the 7 days spanned.
        float everyOther = Pacing(days: 7, perDay: 6, gap: TimeSpan.FromHours(2), dayStep: 2);
        Assert.Equal(4 / 7.0 * (6 / 9.0) * (24 / 34.0), everyOther, 0.002);
    }

    [Fact]
    public void ScheduledPacing_AllOnOneDay_Zero()
    {
        Assert.Equal(0f, Pacing(days: 1, perDay: 8, gap: TimeSpan.FromHours(1)));
    }

    [Fact]
    public void ScheduledPacing_AbsenceLongerThanTheWindow_ForgetsTheOldDays()
    {
        // A week of daily requests, 70 days away, then a week again: the bits of the first week must not count for the
        // second (they sit at the same positions modulo 64), so presence is the second week's 7 days over 64.
        var counters = default(ActivityCounters);
        for (int day = 0; day < 7; day++)
        {
            counters.Add(At(Monday.AddDays(day)));
        }

        Assert.Equal((7, 7), counters.Presence());
        for (int day = 77; day < 84; day++)
        {
            counters.Add(At(Monday.AddDays(day)));
        }

        Assert.Equal((7, 64), counters.Presence());
    }

    [Fact]
    public void ScheduledPacing_SkippedDays_AreClearedEvenWhereOldBitsWereSet()
    {
        // Present on days 0..63, then on day 70. Days 64..69 were absent: their bits, which held days 0..5, are cleared,
        // so the window (days 7..70) counts days 7..63 and day 70: 58 of 64.
        var counters = default(ActivityCounters);
        for (int day = 0; day < 64; day++)
        {
            counters.Add(At(Monday.AddDays(day)));
        }

        counters.Add(At(Monday.AddDays(70)));
        Assert.Equal((58, 64), counters.Presence());
    }

    /// <summary>Arbitrary request times (out of order, years apart, before 1970) never break the signal's range.</summary>
    [Property(MaxTest = 300)]
    public bool ScheduledPacing_ArbitraryTimes_InUnitIntervalAndPresenceWithinSpan(long[] offsetsMs)
    {
        var engine = TestEngine.Create();
        var account = engine.Account(1);
        var counters = default(ActivityCounters);
        Assessment last = default;
        foreach (long offset in offsetsMs ?? [])
        {
            // Within about 1,900 years either side of Monday (DateTimeOffset's range), before 1970 included.
            var at = Monday.AddMilliseconds(offset % 60_000_000_000_000L);
            last = engine.Observe(account, at);
            counters.Add(At(at));
        }

        var (active, span) = counters.Presence();
        float value = last[RiskSignal.ScheduledPacing].Value;
        return value is >= 0 and <= 1 && active >= 0 && active <= span && span <= ActivityCounters.DayWindow;
    }

    private static RequestSummary At(DateTimeOffset at) =>
        new(at.ToUnixTimeMilliseconds(), default(PromptFeatures), default(Observation), highOutputBudget: int.MaxValue);
}
