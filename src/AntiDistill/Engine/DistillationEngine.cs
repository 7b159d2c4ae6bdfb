using System.Numerics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace AntiDistill;

/// <summary>
/// The AntiDistill engine: folds each request into its account's state and says how risky the account
/// now looks. One instance serves the middleware (online) and the analyzer (replaying logs).
/// Thread-safe; <see cref="Observe(in Observation)"/> allocates nothing for an account it already tracks.
/// </summary>
// No zeroing of the request path's stack frames (PromptFeatures, the observation, the signal buffer: about 1 KiB a
// request); every local is written before it is read.
[SkipLocalsInit]
public sealed class DistillationEngine
{
    private readonly PromptFeatureExtractor _extractor;
    private readonly AccountStore _accounts;
    private readonly RiskModel _risk;
    private readonly TimeProvider _time;
    private readonly Linker? _linker;
    private readonly long _signupBurstMs;
    private readonly long _synchronyMs;
    private IndicatorSet _indicators = IndicatorSet.Empty;

    /// <summary>Creates an engine.</summary>
    /// <param name="options">Validated options (see <see cref="AntiDistillationOptions"/>).</param>
    /// <param name="timeProvider">The clock for observations without a timestamp; <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="extractor">The feature extractor; <see cref="PromptFeatureExtractor.Default"/> by default.</param>
    public DistillationEngine(AntiDistillationOptions options, TimeProvider? timeProvider = null, PromptFeatureExtractor? extractor = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _extractor = extractor ?? PromptFeatureExtractor.Default;
        bool replicated = options.Replication.Enabled;
        _accounts = new AccountStore(options.Accounts, replicated);
        _risk = new RiskModel(options.Risk);
        _time = timeProvider ?? TimeProvider.System;
        _linker = options.Linkage.Enabled
            ? new Linker(options.Linkage, _risk, _accounts, replicated ? options.Replication.ChangeFeedCapacity : 0)
            : null;
        Replica = replicated ? new StateReplica(options.Replication, _accounts, _risk, _linker, _time) : null;
        _signupBurstMs = Math.Max(1, (long)options.Linkage.SignupBurst.Window.TotalMilliseconds);
        _synchronyMs = Math.Max(1, (long)options.Linkage.SynchronyBucket.TotalMilliseconds);
        Identities = new IdentityHasher(options.IdentityKey is { } key ? Convert.FromBase64String(key) : RandomNumberGenerator.GetBytes(32));
    }

    /// <summary>Hashes customer identifiers with this engine's identity key.</summary>
    public IdentityHasher Identities { get; }

    /// <summary>
    /// The imported indicators every request is matched against (<see cref="IndicatorSet.Empty"/> by default). Setting it
    /// swaps the whole set atomically; a request in flight finishes with the set it started with.
    /// </summary>
    public IndicatorSet Indicators
    {
        get => Volatile.Read(ref _indicators);
        set => Volatile.Write(ref _indicators, value ?? IndicatorSet.Empty);
    }

    /// <summary>Accounts currently tracked.</summary>
    public int TrackedAccounts => _accounts.Count;

    /// <summary>
    /// Tracked accounts whose latest request on this engine was assessed <paramref name="verdict"/> (alone or through
    /// their cluster), as of that request: an account whose cluster turns to a campaign counts as one at its next request.
    /// Cheap and lock-free (one counter per account shard), so a metrics exporter can read it on every collection.
    /// </summary>
    public int CountAccounts(Verdict verdict) => _accounts.CountWith(verdict);

    /// <summary>Clusters of linked accounts that exist now (0 when linkage is off). Lock-free.</summary>
    public int ClusterCount => _linker?.LiveClusters ?? 0;

    /// <summary>
    /// Requests observed and waiting for <see cref="ProcessLinkage()"/> (0 when linkage is off). Lock-free. At
    /// <see cref="LinkageOptions.QueueCapacity"/> further requests are dropped from linkage (<see cref="LinkageDropped"/>).
    /// </summary>
    public int LinkageBacklog => _linker?.Backlog ?? 0;

    /// <summary>Most requests the linkage queue holds (its option rounded up to a power of two); 0 when linkage is off.</summary>
    internal int LinkageQueueCapacity => _linker?.QueueCapacity ?? 0;

    /// <summary>Sharing state with other nodes, when <see cref="ReplicationOptions.Enabled"/>; else null.</summary>
    public StateReplica? Replica { get; }

    /// <summary>Folds one request into its account and returns the account's assessment after it.</summary>
    /// <exception cref="ArgumentException">The observation has no account.</exception>
    public Assessment Observe(scoped in Observation observation)
    {
        ThrowIfNoAccount(observation);
        _extractor.Extract(observation.Prompt, observation.SystemPrompt, observation.ToolCount, out PromptFeatures features);
        return Observe(observation, features);
    }

    /// <summary>Like <see cref="Observe(in Observation)"/> for features extracted beforehand (e.g. on another thread).</summary>
    /// <exception cref="ArgumentException">The observation has no account.</exception>
    public Assessment Observe(scoped in Observation observation, in PromptFeatures features)
    {
        ThrowIfNoAccount(observation);
        DateTimeOffset at = observation.Timestamp == default ? _time.GetUtcNow() : observation.Timestamp;
        var summary = new RequestSummary(at.ToUnixTimeMilliseconds(), features, observation, _risk.Options.HighOutputBudget);
        Span<float> values = stackalloc float[RiskSignalNames.SignalCount];
        values.Clear(); // [SkipLocalsInit]: a signal a future change forgets to write must read 0, not stack garbage
        var assessment = new Assessment { Account = observation.Account };
        int node;
        ulong cadence = 0, schedule = 0;
        var bands = default(ProfileBands);
        var match = Indicators.Match(features, observation.Client, summary.TimestampMs);

        AccountState state;
        using (_accounts.EnterForUpdate(observation.Account, out state))
        {
            state.Observe(summary, features, observation.Conversation, _risk.Options);
            state.ObserveIndicator(match);
            assessment.MatchedIndicator = state.MatchedIndicator;
            if (state.Replica is { Dirty: false } own)
            {
                own.Dirty = Replica!.Enqueue(observation.Account);
            }

            state.ComputeSignals(_risk.Options, values);
            assessment.Requests = state.Requests;
            node = state.LinkNode;
            if (_linker is not null)
            {
                cadence = state.Cadence;
                schedule = state.ScheduleKey(values[(int)RiskSignal.ScheduledPacing]);
                bands = state.Profile.Bands();
            }
        }

        Score(values, node, ref assessment);
        _accounts.RecordVerdict(observation.Account, state, assessment.Verdict);
        if (_linker is not null)
        {
            _linker.Enqueue(LinkEventFor(observation, features, summary, assessment.AccountRisk, node != 0, cadence, schedule, bands));
        }

        return assessment;
    }

    /// <summary>
    /// Folds the served half of an exchange (what the response gave back) into its account: how much the account takes
    /// away per request and how much of it is reasoning. Call it once per observed request, after the response; an
    /// account the engine does not track (evicted, or never observed) is ignored. Allocation-free.
    /// </summary>
    /// <param name="served">The response's usage and status.</param>
    /// <returns>Whether the account was tracked and the exchange recorded.</returns>
    public bool ObserveServed(in ServedExchange served)
    {
        if (!served.Account.IsValid)
        {
            return false;
        }

        using (_accounts.EnterForRead(served.Account, out var state))
        {
            if (state is null)
            {
                return false;
            }

            state.ObserveServed(served, _risk.Options.LongAnswerTokens);
            return true;
        }
    }

    /// <summary>The current assessment of an account without observing anything; false when it is not tracked.</summary>
    public bool TryAssess(AccountId account, out Assessment assessment)
    {
        Span<float> values = stackalloc float[RiskSignalNames.SignalCount];
        values.Clear();
        assessment = new Assessment { Account = account };
        int node;
        using (_accounts.EnterForRead(account, out var state))
        {
            if (state is null)
            {
                return false;
            }

            state.ComputeSignals(_risk.Options, values);
            assessment.Requests = state.Requests;
            assessment.MatchedIndicator = state.MatchedIndicator;
            node = state.LinkNode;
        }

        Score(values, node, ref assessment);
        return true;
    }

    /// <summary>
    /// Links the accounts of the requests observed since the last call into clusters and rescores the
    /// clusters that changed. Call it off the request path: periodically online (every few hundred
    /// milliseconds), or between records when replaying a log. A no-op when linkage is disabled.
    /// </summary>
    /// <returns>How many requests were processed.</returns>
    public int ProcessLinkage() => _linker?.ProcessPending() ?? 0;

    /// <summary>
    /// Like <see cref="ProcessLinkage()"/>, but stops after <paramref name="maxRequests"/> requests, so a host that
    /// shares its cores with request handling can work through a backlog in slices and let requests run between them.
    /// </summary>
    /// <param name="maxRequests">Most requests to process in this call (at least 1).</param>
    /// <returns>How many requests were processed; fewer than <paramref name="maxRequests"/> means the queue is empty.</returns>
    public int ProcessLinkage(int maxRequests)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRequests, 1);
        return _linker?.ProcessPending(maxRequests) ?? 0;
    }

    /// <summary>
    /// The smallest member account of a cluster: unlike <see cref="ClusterId"/>, which each node numbers on its own,
    /// nodes that share state agree on it once they agree on the members, so a shared store keys a cluster's budget
    /// by it. False when the cluster is unknown. Safe from any thread, allocation-free.
    /// </summary>
    public bool TryGetClusterAnchor(ClusterId cluster, out AccountId anchor)
    {
        ulong value = _linker?.AnchorOf(cluster.Value) ?? 0;
        anchor = new AccountId(value);
        return value != 0;
    }

    /// <summary>Requests dropped from linkage because the queue was full (scoring is never dropped).</summary>
    public long LinkageDropped => _linker?.Dropped ?? 0;

    /// <summary>Every current cluster, with its members and evidence. Allocates; meant for reports and reviews.</summary>
    public IReadOnlyList<ClusterSummary> GetClusters()
    {
        if (_linker is null)
        {
            return [];
        }

        _linker.ProcessPending();
        return _linker.Read(graph =>
        {
            var result = new List<ClusterSummary>(graph.ClusterCount);
            var values = new float[RiskSignalNames.SignalCount];
            for (int id = 1; id <= graph.ClusterCount; id++)
            {
                int root = graph.RootOfCluster(id);
                if (graph.ClusterOf(root) != id)
                {
                    continue; // merged into another cluster
                }

                Array.Clear(values);
                graph.ActivityOf(root).ComputeSignals(_risk.Options, values);
                var assessment = default(Assessment);
                _risk.Evaluate(values, ref assessment);
                var evidence = new Dictionary<LinkKind, int>();
                var counts = graph.EvidenceOf(root);
                for (int k = 0; k < LinkKindNames.KindCount; k++)
                {
                    if (counts[k] > 0)
                    {
                        evidence[(LinkKind)k] = counts[k];
                    }
                }

                float floor = graph.FloorOf(root);
                float risk = _linker.ClusterRisk(root, assessment.Risk);
                var accounts = graph.Members(root).Select(graph.AccountOf).ToList();
                result.Add(new ClusterSummary
                {
                    Id = new ClusterId(id),
                    Accounts = accounts,
                    DistinctContent = DistinctContentOf(accounts),
                    Risk = risk,
                    Verdict = _risk.VerdictFor(risk),
                    SharedTemplateRisk = floor,
                    SuspiciousMembers = graph.SuspiciousOf(root),
                    Evidence = evidence,
                    Signals = assessment.Signals.ToArray(),
                });
            }

            return (IReadOnlyList<ClusterSummary>)result;
        });
    }

    /// <summary>
    /// Exports one cluster as an indicator campaign another provider can match: its prompt frames and system-prompt
    /// fingerprints that its accounts repeated and no account outside it used (see docs/indicators.md). Client and
    /// network values are left out: the engine holds them only as keyed hashes. Write the result with
    /// <see cref="StixBundleWriter"/>. Allocates; off the request path. Null when the cluster is unknown or linkage is off.
    /// </summary>
    /// <param name="cluster">The cluster (e.g. <see cref="Assessment.Cluster"/>).</param>
    /// <param name="producer">The exporting organization's name, for the indicators' ids and explanations.</param>
    /// <param name="validFor">How long from now the indicators hold.</param>
    public IndicatorCampaign? ExportCluster(ClusterId cluster, string producer, TimeSpan validFor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(producer);
        return _linker is null ? null : ClusterExport.Export(this, _linker, cluster, producer, _time.GetUtcNow(), validFor);
    }

    /// <summary>Merges the members' distinct-content sketches (off the request path, one shard lock at a time).</summary>
    private (double Cluster, double LargestMember) DistinctContentOf(List<AccountId> accounts)
    {
        var union = default(HyperLogLog);
        double largest = 0;
        foreach (var account in accounts)
        {
            using (_accounts.EnterForRead(account, out var state))
            {
                if (state is not null)
                {
                    union.MergeFrom(state.Content);
                    largest = Math.Max(largest, state.Content.Estimate());
                }
            }
        }

        return (union.Estimate(), largest);
    }

    private static void ThrowIfNoAccount(scoped in Observation observation)
    {
        if (!observation.Account.IsValid)
        {
            throw new ArgumentException("The observation has no account.", nameof(observation));
        }
    }

    /// <summary>Own risk from the signals, then the cluster's: a member's verdict is the worse of the two.</summary>
    private void Score(ReadOnlySpan<float> values, int node, ref Assessment assessment)
    {
        _risk.Evaluate(values, ref assessment);
        assessment.AccountRisk = assessment.Risk;
        if (_linker is not null && node != 0)
        {
            var (cluster, risk) = _linker.ClusterOf(node, assessment.WritableEvidence);
            if (cluster != 0)
            {
                assessment.Cluster = new ClusterId(cluster);
                assessment.ClusterRisk = risk;
                if (risk > assessment.Risk)
                {
                    assessment.Risk = risk;
                    assessment.Verdict = _risk.VerdictFor(risk);
                }
            }
        }
    }

    private LinkEvent LinkEventFor(scoped in Observation observation, in PromptFeatures features, in RequestSummary summary, float risk, bool hasNode,
        ulong cadence, ulong schedule, in ProfileBands bands)
    {
        var client = observation.Client;
        ulong software = client.UserAgent | client.TlsFingerprint;
        return new LinkEvent
        {
            Account = observation.Account,
            Summary = summary,
            Risk = risk,
            HasNode = hasNode,
            Payment = client.Payment,
            Device = client.Device,
            Network = client.IpPrefix,
            Client = software == 0 ? 0 : WordHash.Mix(client.UserAgent ^ BitOperations.RotateLeft(client.TlsFingerprint, 29) ^ ((ulong)client.Asn << 7)) | 1,
            EmailDomain = client.EmailDomain,
            SignupBucket = client.AccountCreated == default ? 0 : WordHash.Mix((ulong)(client.AccountCreated.ToUnixTimeMilliseconds() / _signupBurstMs)) | 1,
            SystemPrompt = features.SystemPrompt,
            Opening = features.Opening,
            Closing = features.Closing,
            SynchronyBucket = WordHash.Mix((ulong)(summary.TimestampMs / _synchronyMs)) | 1,
            Cadence = cadence,
            Schedule = schedule,
            Bands = bands,
        };
    }

    /// <summary>Forgets accounts idle longer than <see cref="AccountStoreOptions.IdleTimeout"/>; call periodically, off the request path.</summary>
    /// <returns>How many accounts were forgotten.</returns>
    public int EvictIdle() => _accounts.EvictIdle(_time.GetUtcNow().ToUnixTimeMilliseconds());
}
