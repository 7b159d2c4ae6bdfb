using System.Numerics;
using System.Runtime.CompilerServices;

namespace AntiDistill;

/// <summary>
/// Everything the engine keeps about one account: fixed-size sketches and counters (about 800 bytes),
/// no prompt text. Every part merges, so accounts roll up into clusters and nodes share state.
/// </summary>
/// <remarks>Not thread-safe: the store serializes access to one account under its shard's lock.</remarks>
internal sealed class AccountState
{
    /// <summary>Distances between SimHashes are bucketed by 4 bits: 16 buckets cover 0-63 and 64 (no earlier prompt) is not counted.</summary>
    private const int DistanceBucketWidth = 4;

    /// <summary>Days spanned at which <see cref="RiskSignal.ScheduledPacing"/> counts half (over four days).</summary>
    private const double PacingEvidenceDays = 3;

    /// <summary>Requests at which <see cref="RiskSignal.ScheduledPacing"/> counts half.</summary>
    private const double PacingEvidenceRequests = 10;

    /// <summary>Pacing from which an account has a <see cref="ScheduleKey"/>: what nine in ten of a quiet operator's accounts reach in a week, and a third of the way to a perfect schedule.</summary>
    private const double ScheduleKeyPacing = 0.3;

    /// <summary>
    /// Below this concentration the hours have no centre worth bucketing: requests spread evenly over 24 hours give about
    /// 0.2 over a few dozen requests, a nine-hour working window about 0.8.
    /// </summary>
    private const double AroundTheClockConcentration = 0.35;

    /// <summary>Requests before an account's hours mean anything (a dozen: two or three days of a quiet account).</summary>
    private const int ScheduleKeyRequests = 12;

    /// <summary>
    /// The spread of log follow-up gaps (their standard deviation) from which <see cref="RiskSignal.RushedFollowUps"/>
    /// counts nothing: a person's think time between turns varies by a factor of 2.5 either way, and more (the time to
    /// read, think and type changes with every answer and question).
    /// </summary>
    private const double HumanFollowUpSpread = 0.9;

    /// <summary>The spread at or under which follow-ups count as fully steady: within a factor of 1.5 either way, a machine's band.</summary>
    private const double MachineFollowUpSpread = 0.4;

    /// <summary>Gaps at <see cref="HumanFollowUpSpread"/> that the follow-ups' own spread starts from: a few alike gaps prove nothing.</summary>
    private const int FollowUpPriorGaps = 5;

    public AccountId Account;
    public ActivityCounters Activity;
    public GapStatistics Gaps;
    public HyperLogLog Content;
    public TopTemplates Templates;
    public RecentSimHashes Recent;
    public DistanceHistogram NearestDistances;
    public ContentProfile Profile;
    public ServedCounters Served;
    public FollowUpPace Pace;

    /// <summary>The strongest imported-indicator match of any of the account's requests (the <see cref="RiskSignal.IndicatorMatch"/> value), and which indicator it was.</summary>
    public float IndicatorStrength;
    public Indicator? MatchedIndicator;

    /// <summary>The account's node in the linkage graph (0 until the linker has seen it); see <see cref="Linker"/>.</summary>
    public int LinkNode;

    /// <summary>Set on every request, cleared by the store's eviction hand: the "recently used" bit of CLOCK.</summary>
    public bool Referenced;

    /// <summary>
    /// The verdict of the account's last assessed request on this node, counted by the store's shard (the flagged-accounts
    /// gauge); written under the shard's lock by <see cref="AccountStore.RecordVerdict"/>.
    /// </summary>
    public Verdict Verdict;

    /// <summary>This node's own contribution when the engine shares state with other nodes, else null.</summary>
    public ReplicaState? Replica;

    public AccountState(AccountId account) => Account = account;

    public int Requests => Activity.Requests;

    public long LastSeenMs => Activity.LastSeenMs;

    /// <summary>Forgets everything, to reuse this object for another account (eviction without allocation).</summary>
    public void Reset(AccountId account)
    {
        Account = account;
        Activity = default;
        Gaps = default;
        Content = default;
        Templates = default;
        Recent = default;
        NearestDistances = default;
        Profile = default;
        Served = default;
        Pace = default;
        IndicatorStrength = 0;
        MatchedIndicator = null;
        LinkNode = 0;
        Referenced = false;
        Verdict = Verdict.Organic;
        Replica?.Reset();
    }

    /// <summary>Folds one request in.</summary>
    /// <param name="request">What the request adds.</param>
    /// <param name="features">Its prompt's features.</param>
    /// <param name="conversation">Its <see cref="Observation.Conversation"/>.</param>
    /// <param name="options">The risk model's options.</param>
    public void Observe(in RequestSummary request, in PromptFeatures features, ulong conversation, RiskModelOptions options)
    {
        // A step of an agent loop (tools declared) is judged as no follow-up: its client answers tool calls at once by design.
        Pace.Observe(request.TimestampMs, request.Has(RequestSummary.Kinds.Tools) ? 0 : request.TurnCount, request.Has(RequestSummary.Kinds.Continues),
            features.ShingleCount > 0 ? features.SimHashValue : 0, conversation, options);
        if (Activity.Requests > 0)
        {
            // Out-of-order records (a few seconds in logs) count as simultaneous, never as negative gaps.
            Gaps.Add(Math.Max(0, request.TimestampMs - Activity.LastSeenMs) / 1000.0);
        }

        Activity.Add(request);
        Referenced = true;
        Templates.Add(features.Template);

        // Distinct content: a quarter of the MinHash bins, each (bin, minimum) pair hashed. Identical prompts add
        // nothing, unrelated ones add about 16, whatever their length: breadth that does not grow with verbosity.
        ReadOnlySpan<uint> bins = features.MinHashBins;
        if (features.ShingleCount > 0)
        {
            for (int i = 0; i < MinHashSignature.Length; i += 4)
            {
                Content.Add(WordHash.Mix(((ulong)(uint)i << 32) | bins[i]));
            }
        }

        if (features.ShingleCount > 0)
        {
            Profile.Add(features.MinHashBins);
        }

        int nearest = Recent.NearestThenAdd(features.SimHashValue);
        if (nearest < 64)
        {
            NearestDistances.Add(nearest / DistanceBucketWidth);
        }

        Replica?.Observe(request, features.Template, nearest < 64 ? nearest / DistanceBucketWidth : -1);
    }

    /// <summary>Keeps the strongest indicator match seen.</summary>
    public void ObserveIndicator(in IndicatorMatch match)
    {
        if (match.Strength > IndicatorStrength)
        {
            IndicatorStrength = match.Strength;
            MatchedIndicator = match.Strongest;
        }
    }

    /// <summary>Folds the served half of one of this account's exchanges in.</summary>
    public void ObserveServed(in ServedExchange served, int longAnswerTokens)
    {
        Served.Add(served, longAnswerTokens);
        Pace.ObserveServed(served);
    }

    /// <summary>
    /// Rebuilds the summable parts as this node's own contribution plus <paramref name="remote"/> (the other
    /// nodes'), and max-merges the remote sketches in. Requires <see cref="Replica"/>.
    /// </summary>
    public void RebuildFrom(ReplicaState own, in ContributionParts remote)
    {
        Activity = own.Activity;
        Activity.MergeFrom(remote.Activity);
        Gaps = own.Gaps;
        Gaps.MergeFrom(remote.Gaps);
        Templates = own.Templates;
        Templates.MergeFrom(remote.Templates);
        NearestDistances = own.Distances;
        NearestDistances.MergeFrom(remote.Distances);
        Content.MergeFrom(remote.Content);
        Profile.MergeFrom(remote.Profile);
    }

    /// <summary>
    /// A fingerprint of the account's request period when it is machine-steady (log2 gaps within half a
    /// step of their mean over at least five gaps), else 0: round-robin accounts of one operator share it.
    /// </summary>
    public ulong Cadence => Gaps.Count >= 5 && Gaps.StandardDeviation < 0.5
        ? WordHash.Mix(0xCADE_0000UL + (ulong)Math.Round(Gaps.Mean * 4)) | 1
        : 0;

    /// <summary>
    /// A key for the account's scheduled day when it is paced like a schedule (<see cref="RiskSignal.ScheduledPacing"/>
    /// at least <see cref="ScheduleKeyPacing"/>, over at least <see cref="ScheduleKeyRequests"/> requests), else 0: the
    /// two-hour bucket of the circular mean of its request hours (or one bucket of its own for hours spread around the
    /// clock: a mean of nothing in particular) and the power of two of its requests per active day. Accounts one
    /// scheduler drives through one working window at one quota share it (<see cref="LinkKind.Schedule"/>).
    /// </summary>
    /// <param name="pacing">The account's <see cref="RiskSignal.ScheduledPacing"/> value as <see cref="ComputeSignals"/> just wrote it (not computed twice per request).</param>
    public ulong ScheduleKey(float pacing)
    {
        if (Activity.Requests < ScheduleKeyRequests || pacing < ScheduleKeyPacing)
        {
            return 0;
        }

        var (hour, concentration) = Activity.Hours.CircularMean();
        int window = concentration < AroundTheClockConcentration ? 12 : (int)(hour / 2) % 12;
        int active = Math.Max(1, Activity.Presence().Active);
        int quota = Math.Min(15, BitOperations.Log2((uint)(Activity.Requests / active) + 1));
        return WordHash.Mix(0x5C4E_D000UL + (ulong)((quota * 16) + window)) | 1;
    }

    /// <summary>Folds another account's state in (for roll-ups); the recent-prompt ring stays this account's own.</summary>
    public void MergeFrom(AccountState other)
    {
        Activity.MergeFrom(other.Activity);
        Gaps.MergeFrom(other.Gaps);
        Content.MergeFrom(other.Content);
        Templates.MergeFrom(other.Templates);
        NearestDistances.MergeFrom(other.NearestDistances);
        Served.MergeFrom(other.Served);
        Pace.MergeFrom(other.Pace);
    }

    /// <summary>Writes each signal's value in [0, 1], shrunk towards 0 while the account has few requests.</summary>
    public void ComputeSignals(RiskModelOptions options, Span<float> values)
    {
        Activity.ComputeSignals(options, values);
        values[(int)RiskSignal.IndicatorMatch] = IndicatorStrength; // outside evidence: not shrunk while the account is young
        int n = Math.Max(1, Activity.Requests);
        double confidence = n / (double)(n + options.EvidenceRequests);
        values[(int)RiskSignal.TemplateRepetition] = (float)(n < 2 ? 0 : Math.Clamp(Templates.TopCount / (double)n, 0, 1) * confidence);

        int compared = NearestDistances.Total;
        double novelShare = compared == 0 ? 0 : NearestDistances.AtLeast(options.NoveltyDistance / DistanceBucketWidth) / (double)compared;
        values[(int)RiskSignal.ContentNovelty] = (float)(novelShare * compared / (compared + options.EvidenceRequests));

        // A spread of 3 in log2 gaps (gaps varying by 8x either way) is already human; 0 is a metronome.
        int gaps = Gaps.Count;
        double regularity = Math.Clamp(1 - (Gaps.StandardDeviation / 3), 0, 1);
        values[(int)RiskSignal.MachineTiming] = (float)(gaps < 2 ? 0 : regularity * gaps / (gaps + options.EvidenceRequests));

        values[(int)RiskSignal.ScheduledPacing] = (float)ScheduledPacing();

        // Served side: shares over answered exchanges, shrunk like the request-side shares while answers are few.
        int answered = Served.Answered;
        double servedConfidence = answered / (double)(answered + options.EvidenceRequests);
        values[(int)RiskSignal.LongAnswers] = (float)(answered == 0 ? 0 : Served.LongAnswers / (double)answered * servedConfidence);
        values[(int)RiskSignal.ReasoningTake] = (float)(answered == 0 ? 0 : Served.WithReasoning / (double)answered * servedConfidence);

        // The rushed share, shrunk twice as hard as a request share (a person's few quick replies are common; it takes a
        // harvester's every turn to stand out), times how steady the pace is.
        int judged = Pace.Judged;
        double rushed = judged == 0 ? 0 : Math.Clamp(Pace.Rushed, 0, judged) / (double)(judged + (2 * options.EvidenceRequests));
        values[(int)RiskSignal.RushedFollowUps] = (float)(rushed * Pace.Steadiness(HumanFollowUpSpread, MachineFollowUpSpread, FollowUpPriorGaps));
    }

    /// <summary>
    /// Presence on the days of the account's span times the share of its gaps that are not within a sitting, shrunk by
    /// the days spanned (one day says nothing about days: 0 at one, 0.5 at four) and by the requests seen (0.5 at ten:
    /// a person with a handful of questions spread over a week is not yet a schedule).
    /// </summary>
    private double ScheduledPacing()
    {
        var (active, span) = Activity.Presence();
        int gaps = Gaps.Count;
        if (span < 2 || gaps == 0)
        {
            return 0;
        }

        double presence = active / (double)span;
        double spread = 1 - (Math.Min(Gaps.SessionGaps, gaps) / (double)gaps);
        double days = (span - 1) / (span - 1 + PacingEvidenceDays);
        int n = Activity.Requests;
        return Math.Clamp(presence * spread * days * n / (n + PacingEvidenceRequests), 0, 1);
    }

    /// <summary>Histogram of nearest-neighbour SimHash distances, bucketed by <see cref="DistanceBucketWidth"/>.</summary>
    public struct DistanceHistogram
    {
        private Buckets _buckets;

        public readonly int Total
        {
            get
            {
                int total = 0;
                for (int i = 0; i < Buckets.Count; i++)
                {
                    total += _buckets[i];
                }

                return total;
            }
        }

        public void Add(int bucket)
        {
            ref ushort b = ref _buckets[Math.Min(bucket, Buckets.Count - 1)];
            if (b != ushort.MaxValue)
            {
                b++;
            }
        }

        public void MergeFrom(in DistanceHistogram other)
        {
            for (int i = 0; i < Buckets.Count; i++)
            {
                _buckets[i] = (ushort)Math.Min(ushort.MaxValue, _buckets[i] + other._buckets[i]);
            }
        }

        public readonly int AtLeast(int bucket)
        {
            int total = 0;
            for (int i = Math.Max(0, bucket); i < Buckets.Count; i++)
            {
                total += _buckets[i];
            }

            return total;
        }

        [InlineArray(Count)]
        private struct Buckets
        {
            public const int Count = 16;
            private ushort _element0;
        }
    }
}
