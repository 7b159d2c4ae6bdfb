namespace AntiDistill;

/// <summary>
/// Accounts as nodes of a weighted union-find (union by size, path halving), each set a cluster. Every
/// set keeps its members in a circular list, its summed activity and its link evidence by kind. Cluster
/// ids are handed out when a set first reaches two members and survive growth: when two clusters merge,
/// the larger keeps its id and only the smaller one's members are relabelled (O(n log n) over all merges).
/// </summary>
/// <remarks>Single writer (the linker); the request path reads <see cref="ClusterOf"/> and <see cref="RiskOf"/> concurrently.</remarks>
internal sealed class ClusterGraph
{
    private int[] _parent = new int[1024];
    private int[] _size = new int[1024];
    private int[] _next = new int[1024];
    private int[] _nodeCluster = new int[1024];
    private ActivityCounters[] _activity = new ActivityCounters[1024];
    private float[] _floor = new float[1024];
    private int[] _suspicious = new int[1024]; // per root: members whose own risk is suspicious
    private int[] _evidence = new int[1024 * LinkKindNames.KindCount];
    private AccountId[] _accounts = new AccountId[1024];
    private float[] _clusterRisk = new float[64];
    private int[] _clusterEvidence = new int[64 * LinkKindNames.KindCount];
    private int[] _clusterRoot = new int[64];
    private ulong[] _clusterAnchor = new ulong[64];
    private int _nodes = 1; // node 0 means "none"

    private int _liveClusters;

    /// <summary>Cluster ids handed out so far, including those merged into another cluster since.</summary>
    public int ClusterCount { get; private set; }

    /// <summary>Clusters that exist now (ids handed out minus those merged away). Safe to read from any thread.</summary>
    public int LiveClusters => Volatile.Read(ref _liveClusters);

    public int AddNode(AccountId account)
    {
        int node = _nodes++;
        if (node == _parent.Length)
        {
            int size = _parent.Length * 2;
            Array.Resize(ref _parent, size);
            Array.Resize(ref _size, size);
            Array.Resize(ref _next, size);
            Array.Resize(ref _activity, size);
            Array.Resize(ref _floor, size);
            Array.Resize(ref _suspicious, size);
            Array.Resize(ref _evidence, size * LinkKindNames.KindCount);
            Array.Resize(ref _accounts, size);
            var clusters = _nodeCluster;
            Array.Resize(ref clusters, size);
            Volatile.Write(ref _nodeCluster, clusters);
        }

        _parent[node] = node;
        _size[node] = 1;
        _next[node] = node;
        _accounts[node] = account;
        return node;
    }

    public AccountId AccountOf(int node) => _accounts[node];

    public int Find(int node)
    {
        while (_parent[node] != node)
        {
            _parent[node] = _parent[_parent[node]];
            node = _parent[node];
        }

        return node;
    }

    public int SizeOf(int root) => _size[root];

    public ref ActivityCounters ActivityOf(int root) => ref _activity[root];

    /// <summary>
    /// The least risk a set is judged at whatever its summed activity says: the risk of a template cohort's traffic
    /// that pulled its members in (their cover conversations must not dilute the sweep they share).
    /// </summary>
    public float FloorOf(int root) => _floor[root];

    /// <summary>Raises the floor of the set <paramref name="node"/> belongs to.</summary>
    public void RaiseFloor(int node, float risk)
    {
        int root = Find(node);
        _floor[root] = Math.Max(_floor[root], risk);
    }

    /// <summary>Members of the set of <paramref name="root"/> that are suspicious on their own evidence.</summary>
    public int SuspiciousOf(int root) => _suspicious[root];

    /// <summary>Counts <paramref name="node"/> in or out of its set's suspicious members.</summary>
    public void CountSuspicious(int node, bool suspicious) => _suspicious[Find(node)] += suspicious ? 1 : -1;

    public ReadOnlySpan<int> EvidenceOf(int root) => _evidence.AsSpan(root * LinkKindNames.KindCount, LinkKindNames.KindCount);

    /// <summary>Cluster id of a node, 0 when it is alone. Safe to call from any thread.</summary>
    public int ClusterOf(int node)
    {
        var clusters = Volatile.Read(ref _nodeCluster);
        return (uint)node < (uint)clusters.Length ? clusters[node] : 0;
    }

    /// <summary>Latest risk of a cluster. Safe to call from any thread.</summary>
    public float RiskOf(int cluster)
    {
        var risks = Volatile.Read(ref _clusterRisk);
        return (uint)cluster < (uint)risks.Length ? risks[cluster] : 0;
    }

    /// <summary>Publishes a cluster's risk and evidence counts for the request path.</summary>
    public void Publish(int cluster, int root, float risk)
    {
        EvidenceOf(root).CopyTo(_clusterEvidence.AsSpan(cluster * LinkKindNames.KindCount, LinkKindNames.KindCount));
        _clusterRisk[cluster] = risk;
    }

    /// <summary>The last published evidence counts of a cluster, by <see cref="LinkKind"/>. Safe to call from any thread.</summary>
    public void CopyEvidence(int cluster, Span<int> destination)
    {
        var evidence = Volatile.Read(ref _clusterEvidence);
        int start = cluster * LinkKindNames.KindCount;
        if (start + LinkKindNames.KindCount <= evidence.Length)
        {
            evidence.AsSpan(start, LinkKindNames.KindCount).CopyTo(destination);
        }
    }

    public int RootOfCluster(int cluster) => Find(_clusterRoot[cluster]);

    /// <summary>The smallest member account of a cluster (0 when unknown). Safe to call from any thread.</summary>
    public ulong AnchorOf(int cluster)
    {
        var anchors = Volatile.Read(ref _clusterAnchor);
        return (uint)cluster < (uint)anchors.Length ? anchors[cluster] : 0;
    }

    /// <summary>Members of the set containing <paramref name="node"/>.</summary>
    public IEnumerable<int> Members(int node)
    {
        int current = node;
        do
        {
            yield return current;
            current = _next[current];
        }
        while (current != node);
    }

    /// <summary>Joins the sets of two nodes; returns the new root, or -1 when they were already one set.</summary>
    public int Union(int a, int b, ushort kinds)
    {
        int ra = Find(a), rb = Find(b);
        if (ra == rb)
        {
            return -1;
        }

        if (_size[ra] < _size[rb])
        {
            (ra, rb) = (rb, ra);
        }

        // The cluster id that survives: the larger set's, the older one on a tie, a new one for two singletons.
        int idA = _nodeCluster[ra], idB = _nodeCluster[rb];
        int keep = idA == 0 ? idB : idB == 0 ? idA : _size[ra] == _size[rb] ? Math.Min(idA, idB) : idA;
        ulong anchorA = idA == 0 ? _accounts[ra].Value : _clusterAnchor[idA];
        ulong anchorB = idB == 0 ? _accounts[rb].Value : _clusterAnchor[idB];
        if (keep == 0)
        {
            keep = NewCluster();
            Volatile.Write(ref _liveClusters, _liveClusters + 1);
        }
        else if (idA != 0 && idB != 0)
        {
            Volatile.Write(ref _liveClusters, _liveClusters - 1); // two clusters became one
        }

        // Relabel only the members whose id changes, before the lists are spliced.
        Relabel(ra, keep);
        Relabel(rb, keep);

        // ra absorbs rb: members, activity, evidence.
        _parent[rb] = ra;
        _size[ra] += _size[rb];
        (_next[ra], _next[rb]) = (_next[rb], _next[ra]);
        _activity[ra].MergeFrom(_activity[rb]);
        _floor[ra] = Math.Max(_floor[ra], _floor[rb]);
        _suspicious[ra] += _suspicious[rb];
        var evidence = _evidence.AsSpan(ra * LinkKindNames.KindCount, LinkKindNames.KindCount);
        var absorbed = _evidence.AsSpan(rb * LinkKindNames.KindCount, LinkKindNames.KindCount);
        for (int k = 0; k < LinkKindNames.KindCount; k++)
        {
            evidence[k] += absorbed[k] + ((kinds >> k) & 1);
        }

        _clusterRoot[keep] = ra;

        // The anchor is the smallest member account: nodes that converge on the same members agree on it whatever
        // their local cluster ids, so a shared store can key a cluster's budget by it.
        _clusterAnchor[keep] = Math.Min(anchorA, anchorB);
        return ra;
    }

    private void Relabel(int root, int cluster)
    {
        if (_nodeCluster[root] == cluster)
        {
            return;
        }

        int current = root;
        do
        {
            _nodeCluster[current] = cluster;
            current = _next[current];
        }
        while (current != root);
    }

    private int NewCluster()
    {
        int id = ++ClusterCount;
        if (id == _clusterRisk.Length)
        {
            var risks = _clusterRisk;
            Array.Resize(ref risks, risks.Length * 2);
            Array.Resize(ref _clusterRoot, risks.Length);
            var anchors = _clusterAnchor;
            Array.Resize(ref anchors, risks.Length);
            Volatile.Write(ref _clusterAnchor, anchors);
            var evidence = _clusterEvidence;
            Array.Resize(ref evidence, risks.Length * LinkKindNames.KindCount);
            Volatile.Write(ref _clusterEvidence, evidence);
            Volatile.Write(ref _clusterRisk, risks);
        }

        return id;
    }
}
