using System.Runtime.CompilerServices;

namespace AntiDistill;

/// <summary>
/// Everything the engine keeps about one account: fixed-size sketches and counters (about 600 bytes),
/// no prompt text. Every part merges, so accounts roll up into clusters and nodes share state.
/// </summary>
/// <remarks>Not thread-safe: the store serializes access to one account under its shard's lock.</remarks>
internal sealed class AccountState
{
    /// <summary>Distances between SimHashes are bucketed by 4 bits: 16 buckets cover 0-63 and 64 (no earlier prompt) is not counted.</summary>
    private const int DistanceBucketWidth = 4;

    private const long MillisecondsPerDay = 86_400_000;

    public AccountId Account;
    public long FirstSeenMs;
    public long LastSeenMs;
    public int Requests;
    public int ChainOfThought;
    public int Grading;
    public int Hungry;
    public int SingleTurn;
    public int TraceHarvest;
    public int WithTools;
    public int WithSystemPrompt;
    public long PromptTokens;
    public CapabilityCounts Capabilities;
    public HourHistogram Hours;
    public GapStatistics Gaps;
    public HyperLogLog Content;
    public TopTemplates Templates;
    public RecentSimHashes Recent;
    public DistanceHistogram NearestDistances;

    /// <summary>Set on every request, cleared by the store's eviction hand: the "recently used" bit of CLOCK.</summary>
    public bool Referenced;

    public AccountState(AccountId account) => Account = account;

    /// <summary>Forgets everything, to reuse this object for another account (eviction without allocation).</summary>
    public void Reset(AccountId account)
    {
        Account = account;
        FirstSeenMs = LastSeenMs = PromptTokens = 0;
        Requests = ChainOfThought = Grading = Hungry = SingleTurn = TraceHarvest = WithTools = WithSystemPrompt = 0;
        Capabilities = default;
        Hours = default;
        Gaps = default;
        Content = default;
        Templates = default;
        Recent = default;
        NearestDistances = default;
        Referenced = false;
    }

    /// <summary>Folds one request in.</summary>
    public void Observe(long timestampMs, in PromptFeatures features, scoped in Observation request, int highOutputBudget)
    {
        if (Requests == 0)
        {
            FirstSeenMs = timestampMs;
        }
        else
        {
            // Out-of-order records (a few seconds in logs) count as simultaneous, never as negative gaps.
            Gaps.Add(Math.Max(0, timestampMs - LastSeenMs) / 1000.0);
        }

        LastSeenMs = Math.Max(LastSeenMs, timestampMs);
        Requests++;
        Referenced = true;

        ChainOfThought += features.ElicitsChainOfThought ? 1 : 0;
        Grading += features.ElicitsGrading ? 1 : 0;
        bool bigBudget = request.MaxOutputTokens >= highOutputBudget;
        bool singleTurn = request.TurnCount <= 1;
        Hungry += request.ReasoningRequested || bigBudget ? 1 : 0;
        SingleTurn += singleTurn ? 1 : 0;
        // Reasoning is asked for by the switch, by phrasing, or implicitly: a large budget on a math, reasoning,
        // coding or grading item gets a worked solution whatever the wording, so harvesters need not say it.
        bool asksReasoning = request.ReasoningRequested
            || (features.Families & (ElicitationFamilies.ChainOfThought | ElicitationFamilies.Grading)) != 0
            || features.Category is Capability.Math or Capability.Reasoning or Capability.Coding or Capability.Grading;
        TraceHarvest += singleTurn && asksReasoning && (bigBudget || (request.ReasoningRequested && request.MaxOutputTokens == 0)) ? 1 : 0;
        WithTools += request.ToolCount > 0 ? 1 : 0;
        WithSystemPrompt += features.SystemPrompt != 0 ? 1 : 0;
        PromptTokens += features.EstimatedTokens;
        Capabilities[(int)features.Category]++;
        Hours.Add((int)(((timestampMs % MillisecondsPerDay) + MillisecondsPerDay) % MillisecondsPerDay / 3_600_000));
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

        int nearest = Recent.NearestThenAdd(features.SimHashValue);
        if (nearest < 64)
        {
            NearestDistances.Add(nearest / DistanceBucketWidth);
        }
    }

    /// <summary>Writes each signal's value in [0, 1], shrunk towards 0 while the account has few requests.</summary>
    public void ComputeSignals(RiskModelOptions options, Span<float> values)
    {
        int n = Math.Max(1, Requests);
        double confidence = n / (double)(n + options.EvidenceRequests);
        double Share(int count) => Math.Clamp(count / (double)n, 0, 1) * confidence;

        int focus = 0;
        for (int c = (int)Capability.Math; c <= (int)Capability.Grading; c++)
        {
            focus = Math.Max(focus, Capabilities[c]);
        }

        values[(int)RiskSignal.CotElicitation] = (float)Share(ChainOfThought);
        values[(int)RiskSignal.GradingElicitation] = (float)Share(Grading);
        values[(int)RiskSignal.CapabilityFocus] = (float)Share(focus);
        values[(int)RiskSignal.ReasoningHunger] = (float)Share(Hungry);
        values[(int)RiskSignal.SingleTurn] = (float)Share(SingleTurn);
        values[(int)RiskSignal.TraceHarvest] = (float)Share(TraceHarvest);
        values[(int)RiskSignal.TemplateRepetition] = (float)(n < 2 ? 0 : Share(Templates.TopCount));

        int compared = NearestDistances.Total;
        double novelShare = compared == 0 ? 0 : NearestDistances.AtLeast(options.NoveltyDistance / DistanceBucketWidth) / (double)compared;
        values[(int)RiskSignal.ContentNovelty] = (float)(novelShare * compared / (compared + options.EvidenceRequests));

        // A spread of 3 in log2 gaps (gaps varying by 8x either way) is already human; 0 is a metronome.
        int gaps = Gaps.Count;
        double regularity = Math.Clamp(1 - (Gaps.StandardDeviation / 3), 0, 1);
        values[(int)RiskSignal.MachineTiming] = (float)(gaps < 2 ? 0 : regularity * gaps / (gaps + options.EvidenceRequests));

        // The hour spread means little until there are requests enough to fill a day.
        values[(int)RiskSignal.AroundTheClock] = (float)(Hours.NormalizedEntropy() * n / (n + 24.0));

        double days = Math.Max(1, (LastSeenMs - FirstSeenMs) / (double)MillisecondsPerDay);
        values[(int)RiskSignal.Volume] = (float)Math.Clamp(Math.Log10((n / days) + 1) / 3, 0, 1);
    }

    [InlineArray(7)]
    public struct CapabilityCounts
    {
        private int _element0;
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
