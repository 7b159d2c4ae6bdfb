namespace AntiDistill;

/// <summary>
/// Links accounts into clusters off the request path. The request path only enqueues a
/// <see cref="LinkEvent"/> (a bounded lock-free queue, no allocation) and reads its account's cluster risk;
/// <see cref="ProcessPending"/>, called by a background loop online or between records offline, does
/// the rest: index lookups, pair evidence, unions, and the clusters' risk from their summed activity.
/// </summary>
internal sealed class Linker
{
    private static readonly LinkKind[] Kinds = Enum.GetValues<LinkKind>();

    private readonly LinkageOptions _options;
    private readonly RiskModel _risk;
    private readonly AccountStore _accounts;
    private readonly LinkQueue<LinkEvent> _queue;
    private readonly AttributeIndex _index;
    private readonly PairEvidence _pairs;
    private readonly ClusterGraph _graph = new();
    private readonly Dictionary<ulong, int> _nodes = [];
    private readonly HashSet<int> _dirty = [];
    private readonly long[] _windowMs = new long[LinkKindNames.Count];
    private readonly Lock _gate = new();
    private readonly Dictionary<long, int> _coActive = new(PairKeyComparer.Instance);
    private float[] _ownRisk = new float[1024];
    private int[] _activeBuckets = new int[1024];
    private ulong[] _lastBucket = new ulong[1024];
    private int[] _requests = new int[1024];
    private uint[] _lastValue = new uint[1024 * AttributeSlots];
    private uint[] _lastTouchSeconds = new uint[1024 * AttributeSlots];
    private readonly Dictionary<ulong, LinkAttributes>? _outbox;
    private readonly int _outboxCapacity;
    private long _dropped;

    /// <param name="options">Linkage options.</param>
    /// <param name="risk">The risk model clusters are scored with.</param>
    /// <param name="accounts">The account store, to tell accounts their node.</param>
    /// <param name="outboxCapacity">When positive, the latest attributes of each locally observed account are kept
    /// (up to this many accounts) for <see cref="DrainOutbox"/>, so a replica can ship them to other nodes.</param>
    public Linker(LinkageOptions options, RiskModel risk, AccountStore accounts, int outboxCapacity = 0)
    {
        _outboxCapacity = outboxCapacity;
        _outbox = outboxCapacity > 0 ? [] : null;
        _options = options;
        _risk = risk;
        _accounts = accounts;
        _index = new AttributeIndex(options);
        _pairs = new PairEvidence(options);
        foreach (var kind in Kinds)
        {
            _windowMs[(int)kind] = (long)options.Rule(kind).Window.TotalMilliseconds;
        }

        _queue = new LinkQueue<LinkEvent>(options.QueueCapacity);
    }

    /// <summary>Events dropped because the queue was full (linkage fell behind; scoring went on).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Requests waiting to be linked, from any thread without a lock.</summary>
    public int Backlog => _queue.Count;

    /// <summary>Most requests that can wait; more are dropped.</summary>
    public int QueueCapacity => _queue.Capacity;

    /// <summary>Clusters that exist now, from any thread without a lock.</summary>
    public int LiveClusters => _graph.LiveClusters;

    public void Enqueue(in LinkEvent e)
    {
        if (!_queue.TryEnqueue(e))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>Cluster id, risk and evidence for an account's node, from any thread.</summary>
    public (int Cluster, float Risk) ClusterOf(int node, Span<int> evidence)
    {
        int cluster = node == 0 ? 0 : _graph.ClusterOf(node);
        if (cluster == 0)
        {
            return (0, 0);
        }

        _graph.CopyEvidence(cluster, evidence);
        return (cluster, _graph.RiskOf(cluster));
    }

    /// <summary>The smallest member account of a cluster, or 0; from any thread.</summary>
    public ulong AnchorOf(int cluster) => cluster <= 0 ? 0 : _graph.AnchorOf(cluster);

    /// <summary>
    /// The unkeyed content values (prompt frames with their position, system prompts) that members of one cluster used,
    /// with how many of the value's recent accounts are members and how many are not. Off the request path, under the lock.
    /// </summary>
    public List<(IndicatorKind Kind, ulong Value, int Members, int Outsiders)> ContentOf(int cluster)
    {
        var result = new List<(IndicatorKind, ulong, int, int)>();
        lock (_gate)
        {
            int root = _graph.RootOfCluster(cluster);
            var members = new HashSet<int>(_graph.Members(root));
            foreach (var entry in _index.Entries)
            {
                var (kind, value) = (entry.Kind, entry.Value);
                if (kind is not (LinkKind.PromptFrame or LinkKind.SystemPrompt))
                {
                    continue;
                }

                int inside = 0;
                for (int i = 0; i < entry.Count; i++)
                {
                    inside += members.Contains(entry.NodeAt(i)) ? 1 : 0;
                }

                if (inside == 0)
                {
                    continue;
                }

                // Outsiders: accounts the index ever saw with the value beyond the members it holds now (an approximate
                // count once more than its depth came and went, never an undercount of the recent ones).
                int outsiders = Math.Max(entry.Count - inside, entry.Distinct - inside);
                if (kind == LinkKind.SystemPrompt)
                {
                    result.Add((IndicatorKind.SystemPrompt, value, inside, outsiders));
                    continue;
                }

                if ((entry.Positions & 1) != 0)
                {
                    result.Add((IndicatorKind.PromptOpeningFrame, value, inside, outsiders));
                }

                if ((entry.Positions & 2) != 0)
                {
                    result.Add((IndicatorKind.PromptClosingFrame, value, inside, outsiders));
                }
            }
        }

        return result;
    }

    /// <summary>Runs <paramref name="read"/> on the graph with no processing going on (for summaries).</summary>
    public T Read<T>(Func<ClusterGraph, T> read)
    {
        lock (_gate)
        {
            return read(_graph);
        }
    }

    /// <summary>
    /// Processes what is queued, at most <paramref name="maxEvents"/> events, and rescores the clusters that changed;
    /// returns how many events. Safe to call from several threads (they take turns).
    /// </summary>
    public int ProcessPending(int maxEvents = int.MaxValue)
    {
        lock (_gate)
        {
            int processed = 0;
            while (processed < maxEvents && _queue.TryDequeue(out var e))
            {
                Process(e);
                processed++;
            }

            foreach (int root in _dirty)
            {
                // Roots absorbed by a later union are skipped: their set is scored through the new root.
                int cluster = _graph.Find(root) == root ? _graph.ClusterOf(root) : 0;
                if (cluster == 0)
                {
                    continue;
                }

                _graph.Publish(cluster, root, ClusterRisk(root, _risk.RiskOf(_graph.ActivityOf(root))));
            }

            _dirty.Clear();
            return processed;
        }
    }

    /// <summary>
    /// A set's risk: its summed activity's (<paramref name="activityRisk"/>), raised to its template floor and to the
    /// cohort rule's. The one formula for what is published to the request path and what summaries report.
    /// </summary>
    internal float ClusterRisk(int root, float activityRisk) => Math.Max(Math.Max(activityRisk, _graph.FloorOf(root)), CohortRisk(root));

    /// <summary>
    /// The least risk of a set many of whose members are suspicious on their own (<see cref="LinkageOptions.CampaignMembers"/>):
    /// the campaign threshold, or 0.
    /// </summary>
    private float CohortRisk(int root)
    {
        int suspicious = _graph.SuspiciousOf(root);
        if (_options.CampaignMembers == 0 || suspicious < _options.CampaignMembers || suspicious * 2 < _graph.SizeOf(root))
        {
            return 0;
        }

        // The threshold as a float that still reads as the threshold (0.9f is just under 0.9).
        double threshold = _risk.Options.CampaignThreshold;
        float risk = (float)threshold;
        return risk < threshold ? MathF.BitIncrement(risk) : risk;
    }

    /// <summary>Records an account's own risk and keeps its set's count of suspicious members.</summary>
    private void SetOwnRisk(int node, float risk)
    {
        double suspicious = _risk.Options.SuspiciousThreshold;
        bool was = _ownRisk[node] >= suspicious, now = risk >= suspicious;
        _ownRisk[node] = risk;
        if (was != now)
        {
            _graph.CountSuspicious(node, now);
        }
    }

    private void Process(in LinkEvent e)
    {
        int node = NodeOf(e.Account);
        if (node == 0)
        {
            return;
        }

        if (!e.HasNode)
        {
            using (_accounts.EnterForRead(e.Account, out var state))
            {
                state?.LinkNode = node;
            }
        }

        SetOwnRisk(node, e.Risk);
        _requests[node]++;
        int root = _graph.Find(node);
        _graph.ActivityOf(root).Add(e.Summary);
        _dirty.Add(root);

        var attributes = LinkAttributes.From(e);
        LinkAll(attributes, node, e.Summary);
        if (_outbox is not null && (_outbox.Count < _outboxCapacity || _outbox.ContainsKey(e.Account.Value)))
        {
            _outbox[e.Account.Value] = attributes;
        }
    }

    /// <param name="e">The attribute values of one request.</param>
    /// <param name="node">The account's node.</param>
    /// <param name="request">What the request added to the counters, for template cohorts; null for attributes imported from another node.</param>
    private void LinkAll(in LinkAttributes e, int node, RequestSummary? request)
    {
        long now = e.TimestampMs;
        Link(LinkKind.Payment, e.Payment, node, now, 0);
        Link(LinkKind.Device, e.Device, node, now, 1);
        Link(LinkKind.Network, e.Network, node, now, 2);
        Link(LinkKind.Client, e.Client, node, now, 3);
        Link(LinkKind.EmailDomain, e.EmailDomain, node, now, 4);
        Link(LinkKind.SignupBurst, e.SignupBucket, node, now, 5);
        Link(LinkKind.SystemPrompt, e.SystemPrompt, node, now, 6);
        LinkFrame(e.Opening, node, now, request, position: 1);
        LinkFrame(e.Closing, node, now, request, position: 2);
        if (e.SynchronyBucket != 0 && e.SynchronyBucket != _lastBucket[node])
        {
            _lastBucket[node] = e.SynchronyBucket;
            _activeBuckets[node]++;
            Link(LinkKind.Synchrony, e.SynchronyBucket, node, now);
        }

        Link(LinkKind.Cadence, e.Cadence, node, now, 7);
        Link(LinkKind.Schedule, e.Schedule, node, now, 8 + ProfileBands.Count);
        var bands = e.Bands;
        for (int b = 0; b < ProfileBands.Count; b++)
        {
            Link(LinkKind.ContentProfile, bands[b], node, now, 8 + b);
        }
    }

    /// <summary>Moves the latest attributes of the accounts observed here since the last call into <paramref name="into"/>.</summary>
    public void DrainOutbox(Dictionary<ulong, LinkAttributes> into)
    {
        if (_outbox is null)
        {
            return;
        }

        lock (_gate)
        {
            foreach (var (account, attributes) in _outbox)
            {
                into[account] = attributes;
            }

            _outbox.Clear();
        }
    }

    /// <summary>
    /// Takes in what another node saw of an account: its own risk as rebuilt here, the activity its cluster has not
    /// counted yet, and the attributes of its latest requests there (oldest first), linked as if observed here.
    /// Clusters that changed are rescored by the next <see cref="ProcessPending"/>.
    /// </summary>
    public void Import(AccountId account, float risk, in ActivityCounters activity, ReadOnlySpan<LinkAttributes> attributes)
    {
        lock (_gate)
        {
            int node = NodeOf(account);
            if (node == 0)
            {
                return;
            }

            using (_accounts.EnterForRead(account, out var state))
            {
                if (state is not null && state.LinkNode == 0)
                {
                    state.LinkNode = node;
                }
            }

            SetOwnRisk(node, risk);
            int root = _graph.Find(node);
            _graph.ActivityOf(root).MergeFrom(activity);
            _dirty.Add(root);
            foreach (ref readonly var a in attributes)
            {
                LinkAll(a, node, request: null);
            }
        }
    }

    /// <param name="kind">The kind of evidence.</param>
    /// <param name="value">The attribute value (0: none).</param>
    /// <param name="node">The account's node.</param>
    /// <param name="now">The request's time.</param>
    /// <param name="slot">Where the account's last value of this attribute is remembered, or -1 to process every time.</param>
    private void Link(LinkKind kind, ulong value, int node, long now, int slot = -1)
    {
        if (value == 0 || (slot >= 0 && Repeated(node, slot, value, now)))
        {
            return;
        }

        var entry = _index.Get(kind, value);
        entry.Touch(node, now, _options.IndexDepth);
        AddPairEvidence(kind, entry, node, now);
    }

    /// <summary>A prompt frame: counted per account for its template cohort, then pair evidence like any other value.</summary>
    private void LinkFrame(ulong value, int node, long now, RequestSummary? request, byte position)
    {
        if (value == 0)
        {
            return;
        }

        var entry = _index.Get(LinkKind.PromptFrame, value);
        entry.Positions |= position;
        int uses = entry.Touch(node, now, _options.IndexDepth, countUses: true, request is { } r && IsHarvestShaped(r));
        JoinCohort(entry, node, uses, request);
        AddPairEvidence(LinkKind.PromptFrame, entry, node, now);
    }

    /// <summary>Evidence between <paramref name="node"/> and the other recent accounts of a value, unioning pairs that reach the threshold.</summary>
    private void AddPairEvidence(LinkKind kind, AttributeIndex.Entry entry, int node, long now)
    {
        var rule = _options.Rule(kind);
        if (rule.Weight <= 0 || entry.Count < 2)
        {
            return;
        }

        double hub = HubFactor(entry.Distinct);
        double suspicious = _risk.Options.SuspiciousThreshold;
        bool selfSuspicious = _ownRisk[node] >= suspicious;
        if (rule.RequiresSuspicion && !selfSuspicious)
        {
            return;
        }

        for (int i = 0; i < entry.Count; i++)
        {
            int other = entry.NodeAt(i);
            if (other == node || now - entry.SeenAt(i) > _windowMs[(int)kind])
            {
                continue;
            }

            bool bothSuspicious = selfSuspicious && _ownRisk[other] >= suspicious;
            if (rule.RequiresSuspicion && !bothSuspicious)
            {
                continue;
            }

            if (kind == LinkKind.Synchrony)
            {
                if (!Synchronized(node, other))
                {
                    continue;
                }

                hub = 1; // normalized by activity below, so a busy minute is no hub
            }

            if (kind == LinkKind.Schedule && _graph.SizeOf(_graph.Find(node)) > 1 && _graph.SizeOf(_graph.Find(other)) > 1)
            {
                // A schedule adds accounts to a cohort one at a time and never merges two clusters: a paced week is weak
                // evidence about one account, and one team member with such a week must not bridge the team into a campaign.
                continue;
            }

            double factor = hub;
            if (factor < 1 && rule.LinkSuspiciousAcrossHubs && bothSuspicious)
            {
                factor = 1; // hubs protect the innocent; two accounts each harvesting on their own get no such cover
            }

            if (factor <= 0 || _graph.Find(node) == _graph.Find(other))
            {
                continue;
            }

            ushort kinds = _pairs.Add(node, other, kind, rule.Weight * factor, now);
            if (kinds != 0)
            {
                int root = _graph.Union(node, other, kinds);
                if (root >= 0)
                {
                    _dirty.Add(root);
                }
            }
        }
    }

    /// <summary>
    /// Counts <paramref name="node"/> into the cohort of a prompt frame once it has repeated the frame, adds the
    /// request to the cohort's traffic, and once enough accounts repeat it and that traffic alone scores suspicious,
    /// pulls every repeating account into one cluster judged at least at that risk. See
    /// <see cref="LinkageOptions.TemplateCohortRepeats"/>.
    /// </summary>
    private void JoinCohort(AttributeIndex.Entry entry, int node, int uses, RequestSummary? request)
    {
        int repeats = _options.TemplateCohortRepeats;
        if (uses < repeats)
        {
            return;
        }

        var cohort = entry.Cohort ??= new TemplateCohort();
        if (uses == repeats)
        {
            cohort.Accounts++;
        }

        if (request is { } counted)
        {
            cohort.Activity.Add(counted);
        }

        // Rescored when an account joins and every few requests after, not on each: a busy shared frame (many users of
        // one app) would otherwise cost a full scoring per request for nothing.
        if (cohort.Accounts < _options.TemplateCohortAccounts
            || (cohort.Accounts == cohort.ScoredAccounts && cohort.Activity.Requests % CohortRescoreEvery != 0))
        {
            return;
        }

        cohort.ScoredAccounts = cohort.Accounts;

        cohort.Risk = _risk.RiskOf(cohort.Activity);
        if (cohort.Risk < _risk.Options.SuspiciousThreshold)
        {
            return;
        }

        // Only accounts that use the frame as a template for their harvest-shaped traffic are pulled in: a frame can
        // belong to a public dataset rather than to an operator, and a researcher who runs that benchmark with short
        // answers, a coding agent whose loops carry an issue text, or a power user who pastes a few of its items
        // repeat it too without sharing the sweep. Accounts already clustered by other evidence stay where they are:
        // a dataset's frame is swept by several operators, and the cohort must not merge their clusters into one.
        var frame = (ushort)(1 << (int)LinkKind.PromptFrame);
        for (int i = 0; i < entry.Count; i++)
        {
            int member = entry.NodeAt(i);
            int used = entry.UsesAt(i);
            if (used < repeats || entry.HarvestUsesAt(i) * 2 < used || used < _options.TemplateCohortShare * _requests[member])
            {
                continue;
            }

            int root = _graph.Find(member);
            if (cohort.Anchor == 0)
            {
                if (_graph.SizeOf(root) == 1)
                {
                    cohort.Anchor = member;
                }
            }
            else if (root != _graph.Find(cohort.Anchor) && _graph.SizeOf(root) == 1)
            {
                _graph.Union(member, cohort.Anchor, frame);
            }
        }

        if (cohort.Anchor != 0)
        {
            _graph.RaiseFloor(cohort.Anchor, cohort.Risk);
            _dirty.Add(_graph.Find(cohort.Anchor));
        }
    }

    /// <summary>
    /// Whether a not-suspicious account sent the same value for this attribute within <see cref="RetouchSeconds"/>: an
    /// account sends its address, client, card and system prompt with every request, and looking them up again
    /// each time was most of linkage's cost for busy accounts (all of it under a hub, such as one NAT). Nothing is
    /// lost: the index keeps the account within the retouch interval of its last use, a partner that arrives later
    /// finds it there and makes the pair, and a suspicious account (for which pairs across hubs matter) is never skipped.
    /// </summary>
    private bool Repeated(int node, int slot, ulong value, long now)
    {
        int i = (node * AttributeSlots) + slot;
        uint folded = (uint)(value ^ (value >> 32)) | 1; // never 0, so a fresh slot never matches
        uint seconds = (uint)(now / 1000); // Unix seconds fit until 2106; four bytes a slot, not eight
        if (_lastValue[i] == folded && seconds - _lastTouchSeconds[i] < RetouchSeconds && _ownRisk[node] < _risk.Options.SuspiciousThreshold)
        {
            return true;
        }

        _lastValue[i] = folded;
        _lastTouchSeconds[i] = seconds;
        return false;
    }

    private const int AttributeSlots = 9 + ProfileBands.Count;
    private const uint RetouchSeconds = 30;
    private const int CohortRescoreEvery = 8;

    private static bool IsHarvestShaped(in RequestSummary request) =>
        request.Has(RequestSummary.Kinds.TraceHarvest)
        || (request.Has(RequestSummary.Kinds.SingleTurn) && request.Has(RequestSummary.Kinds.Hungry));

    /// <summary>
    /// SynchroTrap's test, per pair: counts the time buckets both were active in, and calls them synchronized
    /// once they shared at least <see cref="MinSharedBuckets"/> and the Jaccard similarity of their active
    /// buckets (shared over either) reaches one half. An always-on account shares minutes with everyone by
    /// chance, but its Jaccard with anyone stays low; accounts fired in the same waves score near one.
    /// </summary>
    private bool Synchronized(int a, int b)
    {
        long key = a < b ? ((long)a << 32) | (uint)b : ((long)b << 32) | (uint)a;
        if (_coActive.Count >= _options.MaxAccounts * 4)
        {
            _coActive.Clear(); // bounded: losing counts delays a link, it never makes a false one
        }

        int shared = _coActive[key] = _coActive.GetValueOrDefault(key) + 1;
        return shared >= MinSharedBuckets && shared * 3 >= _activeBuckets[a] + _activeBuckets[b]; // shared / (a + b - shared) >= 1/2
    }

    private const int MinSharedBuckets = 5;

    /// <summary>1 up to the hub threshold, then threshold / distinct, and 0 past the cap.</summary>
    private double HubFactor(int distinct) =>
        distinct <= _options.HubThreshold ? 1 : distinct > _options.HubCap ? 0 : _options.HubThreshold / (double)distinct;

    private int NodeOf(AccountId account)
    {
        if (_nodes.TryGetValue(account.Value, out int node))
        {
            return node;
        }

        if (_nodes.Count >= _options.MaxAccounts)
        {
            return 0;
        }

        node = _graph.AddNode(account);
        _nodes[account.Value] = node;
        if (node >= _ownRisk.Length)
        {
            Array.Resize(ref _ownRisk, _ownRisk.Length * 2);
            Array.Resize(ref _activeBuckets, _ownRisk.Length);
            Array.Resize(ref _lastBucket, _ownRisk.Length);
            Array.Resize(ref _requests, _ownRisk.Length);
            Array.Resize(ref _lastValue, _ownRisk.Length * AttributeSlots);
            Array.Resize(ref _lastTouchSeconds, _ownRisk.Length * AttributeSlots);
        }

        return node;
    }
}
