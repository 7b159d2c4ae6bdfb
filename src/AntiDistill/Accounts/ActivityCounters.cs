using System.Runtime.CompilerServices;

namespace AntiDistill;

/// <summary>
/// The summable part of an account's state: request counts by kind, capability mix, hours, volume.
/// A cluster's activity is the sum of its members', so one set of signal formulas serves both.
/// </summary>
internal struct ActivityCounters
{
    private const long MillisecondsPerDay = 86_400_000;

    public long FirstSeenMs;
    public long LastSeenMs;
    public int Requests;
    public int ChainOfThought;
    public int Grading;
    public int Hungry;
    public int SingleTurn;
    public int TraceHarvest;
    public CapabilityCounts Capabilities;
    public HourHistogram Hours;

    /// <summary>
    /// The UTC days of the last 64 on which there were requests, bit <c>day % 64</c> (days since the Unix epoch): how
    /// steadily the account is present, for <see cref="RiskSignal.ScheduledPacing"/>. Merged by union.
    /// </summary>
    public ulong DayBits;

    /// <summary>Days the bits can tell apart.</summary>
    public const int DayWindow = 64;

    public void Add(in RequestSummary request)
    {
        long day = DayOf(request.TimestampMs);
        if (Requests > 0)
        {
            long lastDay = DayOf(LastSeenMs);
            if (day > lastDay)
            {
                // Days skipped since the last request were absent: clear their bits, which still hold days 64 back.
                DayBits = day - lastDay >= DayWindow ? 0 : DayBits & ~SkippedDays(lastDay, day);
            }
            else if (lastDay - day >= DayWindow)
            {
                day = -1; // an out-of-order record older than the window: its bit is another day's now
            }
        }

        if (day >= 0)
        {
            DayBits |= 1UL << (int)(day % DayWindow);
        }

        FirstSeenMs = Requests == 0 ? request.TimestampMs : Math.Min(FirstSeenMs, request.TimestampMs);
        LastSeenMs = Math.Max(LastSeenMs, request.TimestampMs);
        Requests++;
        ChainOfThought += request.Has(RequestSummary.Kinds.ChainOfThought) ? 1 : 0;
        Grading += request.Has(RequestSummary.Kinds.Grading) ? 1 : 0;
        Hungry += request.Has(RequestSummary.Kinds.Hungry) ? 1 : 0;
        SingleTurn += request.Has(RequestSummary.Kinds.SingleTurn) ? 1 : 0;
        TraceHarvest += request.Has(RequestSummary.Kinds.TraceHarvest) ? 1 : 0;
        Capabilities[(int)request.Category]++;
        Hours.Add((int)((((request.TimestampMs % MillisecondsPerDay) + MillisecondsPerDay) % MillisecondsPerDay) / 3_600_000));
    }

    public void MergeFrom(in ActivityCounters other)
    {
        if (other.Requests == 0)
        {
            return;
        }

        FirstSeenMs = Requests == 0 ? other.FirstSeenMs : Math.Min(FirstSeenMs, other.FirstSeenMs);
        LastSeenMs = Math.Max(LastSeenMs, other.LastSeenMs);
        Requests += other.Requests;
        ChainOfThought += other.ChainOfThought;
        Grading += other.Grading;
        Hungry += other.Hungry;
        SingleTurn += other.SingleTurn;
        TraceHarvest += other.TraceHarvest;
        for (int c = 0; c < CapabilityCounts.Count; c++)
        {
            Capabilities[c] += other.Capabilities[c];
        }

        Hours.MergeFrom(other.Hours);
        DayBits |= other.DayBits;
    }

    /// <summary>
    /// What <paramref name="earlier"/> lacks of this (both sums over the same requests at two times): the counts
    /// that grew, the span seen so far. Counts that shrank (a contributor expired) add nothing.
    /// </summary>
    public readonly ActivityCounters DeltaSince(in ActivityCounters earlier)
    {
        var delta = default(ActivityCounters);
        int requests = Requests - earlier.Requests;
        if (requests <= 0)
        {
            return delta;
        }

        delta.FirstSeenMs = FirstSeenMs;
        delta.LastSeenMs = LastSeenMs;
        delta.Requests = requests;
        delta.ChainOfThought = Math.Max(0, ChainOfThought - earlier.ChainOfThought);
        delta.Grading = Math.Max(0, Grading - earlier.Grading);
        delta.Hungry = Math.Max(0, Hungry - earlier.Hungry);
        delta.SingleTurn = Math.Max(0, SingleTurn - earlier.SingleTurn);
        delta.TraceHarvest = Math.Max(0, TraceHarvest - earlier.TraceHarvest);
        delta.DayBits = DayBits; // a union: sending all of it again is exact
        for (int c = 0; c < CapabilityCounts.Count; c++)
        {
            delta.Capabilities[c] = Math.Max(0, Capabilities[c] - earlier.Capabilities[c]);
        }

        for (int h = 0; h < 24; h++)
        {
            // A few requests per account between two syncs: adding them one by one is cheap and keeps the histogram's sums exact.
            for (int i = Math.Max(0, Hours[h] - earlier.Hours[h]); i > 0; i--)
            {
                delta.Hours.Add(h);
            }
        }

        return delta;
    }

    /// <summary>Whether the counts are sane (a decoded contribution from another node is checked before use).</summary>
    public readonly bool IsValid()
    {
        bool valid = Requests >= 0 && ChainOfThought >= 0 && Grading >= 0 && Hungry >= 0 && SingleTurn >= 0 && TraceHarvest >= 0
            && LastSeenMs >= FirstSeenMs;
        for (int c = 0; c < CapabilityCounts.Count; c++)
        {
            valid &= Capabilities[c] >= 0;
        }

        return valid;
    }

    /// <summary>Writes the signals that depend on counters alone; the others are left as they are.</summary>
    public readonly void ComputeSignals(RiskModelOptions options, Span<float> values)
    {
        int n = Math.Max(1, Requests);
        double confidence = n / (double)(n + options.EvidenceRequests);
        double perRequest = confidence / n; // a share times the confidence, with one division for all six

        int focus = 0;
        for (int c = (int)Capability.Math; c <= (int)Capability.Grading; c++)
        {
            focus = Math.Max(focus, Capabilities[c]);
        }

        values[(int)RiskSignal.CotElicitation] = Share(ChainOfThought, n, perRequest);
        values[(int)RiskSignal.GradingElicitation] = Share(Grading, n, perRequest);
        values[(int)RiskSignal.CapabilityFocus] = Share(focus, n, perRequest);
        values[(int)RiskSignal.ReasoningHunger] = Share(Hungry, n, perRequest);
        values[(int)RiskSignal.SingleTurn] = Share(SingleTurn, n, perRequest);
        values[(int)RiskSignal.TraceHarvest] = Share(TraceHarvest, n, perRequest);

        // The hour spread means little until there are requests enough to fill a day.
        values[(int)RiskSignal.AroundTheClock] = (float)(Hours.NormalizedEntropy() * n / (n + 24.0));

        double days = Math.Max(1, (LastSeenMs - FirstSeenMs) / (double)MillisecondsPerDay);
        values[(int)RiskSignal.Volume] = (float)Math.Clamp(Math.Log10((n / days) + 1) / 3, 0, 1);
    }

    /// <summary>
    /// How many of the days from the first request's to the last one's (at most the last <see cref="DayWindow"/>) saw
    /// requests, and how many days that span is.
    /// </summary>
    public readonly (int Active, int Span) Presence()
    {
        if (Requests == 0)
        {
            return (0, 0);
        }

        int span = (int)Math.Min(DayWindow, DayOf(LastSeenMs) - DayOf(FirstSeenMs) + 1);
        return (Math.Min(span, System.Numerics.BitOperations.PopCount(DayBits)), span);
    }

    /// <summary>Days since the Unix epoch (negative timestamps count as day 0: they come from nowhere real).</summary>
    private static long DayOf(long timestampMs) => Math.Max(0, timestampMs) / MillisecondsPerDay;

    /// <summary>The bits of the days strictly between <paramref name="lastDay"/> and <paramref name="day"/> (fewer than 64 apart).</summary>
    private static ulong SkippedDays(long lastDay, long day)
    {
        ulong mask = 0;
        for (long d = lastDay + 1; d < day; d++)
        {
            mask |= 1UL << (int)(d % DayWindow);
        }

        return mask;
    }

    /// <summary>The share of requests <paramref name="count"/> is (clamped to [0, 1]), times the confidence folded into <paramref name="perRequest"/>.</summary>
    private static float Share(int count, int n, double perRequest) => (float)(Math.Clamp(count, 0, n) * perRequest);

    [InlineArray(Count)]
    public struct CapabilityCounts
    {
        public const int Count = 7;
        private int _element0;
    }
}
