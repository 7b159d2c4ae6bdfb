using System.Threading.Channels;

namespace AntiDistill;

/// <summary>
/// The engine's side of sharing state across nodes, for a store such as <c>AntiDistill.Redis</c> to drive off the
/// request path. Each node ships its own contribution to each account it served (counts from its own requests,
/// never the sum, so nothing is counted twice) and imports the others'; the account's state here becomes the sum.
/// Link attributes travel with the contributions, so accounts seen only elsewhere join this node's clusters.
/// </summary>
/// <remarks>
/// <para>The request path only sets a flag and, the first time an account changes after a sync, writes its id
/// to a bounded feed (no allocation). Everything else runs on the caller's thread: one sync loop at a time.</para>
/// <para>A cycle: <see cref="CollectChanges"/>, <see cref="Export"/> each changed account to the store, read the
/// contributions of accounts other nodes changed, <see cref="Import"/> them, then <see cref="DistillationEngine.ProcessLinkage()"/>
/// to rescore the clusters that grew. Contributions are opaque bytes that start with a
/// <see cref="ContributorKeyLength"/>-byte contributor key (store them under it, one entry per contributor).</para>
/// </remarks>
public sealed class StateReplica
{
    /// <summary>Length of the contributor key that starts every contribution.</summary>
    public const int ContributorKeyLength = Contribution.KeyLength;

    private readonly AccountStore _accounts;
    private readonly RiskModel _risk;
    private readonly Linker? _linker;
    private readonly TimeProvider _time;
    private readonly Channel<AccountId> _feed;
    private readonly Lock _gate = new();
    private readonly Dictionary<ulong, LinkAttributes> _attributes = [];
    private readonly HashSet<ulong> _collected = [];
    private readonly List<AccountId> _scratch = [];
    private readonly List<LinkAttributes> _imported = [];
    private readonly System.Collections.Concurrent.ConcurrentQueue<AccountId> _marked = new();
    private int _shipAll;
    private long _dropped;
    private long _rejected;

    internal StateReplica(ReplicationOptions options, AccountStore accounts, RiskModel risk, Linker? linker, TimeProvider time)
    {
        _accounts = accounts;
        _risk = risk;
        _linker = linker;
        _time = time;
        NodeId = (ulong)Random.Shared.NextInt64() | 1;
        _feed = Channel.CreateBounded<AccountId>(new BoundedChannelOptions(options.ChangeFeedCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full instead of waiting or dropping silently
        });
    }

    /// <summary>The longest contribution <see cref="Export"/> writes; size buffers with it.</summary>
    public static int MaxContributionLength => Contribution.MaxLength;

    /// <summary>This engine's random id among the nodes (a restarted process is a new node; see <see cref="Import"/>).</summary>
    public ulong NodeId { get; }

    /// <summary>Times the change feed was full; each time the next <see cref="CollectChanges"/> returned every account.</summary>
    public long ChangesOverflowed => Interlocked.Read(ref _dropped);

    /// <summary>Contributions <see cref="Import"/> refused (truncated, another format, impossible counts).</summary>
    public long ContributionsRejected => Interlocked.Read(ref _rejected);

    /// <summary>Request path: queues an account that changed for the first time since it was last collected.</summary>
    internal bool Enqueue(AccountId account)
    {
        if (_feed.Writer.TryWrite(account))
        {
            return true;
        }

        Interlocked.Increment(ref _dropped);
        Volatile.Write(ref _shipAll, 1);
        return false;
    }

    /// <summary>
    /// Adds to <paramref name="changed"/> every account whose contribution changed since the last call (or every
    /// tracked account after <see cref="MarkAllChanged"/> or a full feed). Processes pending linkage first, so the
    /// accounts' latest link attributes go out with them. Returns how many accounts were added.
    /// </summary>
    public int CollectChanges(ICollection<AccountId> changed)
    {
        ArgumentNullException.ThrowIfNull(changed);
        lock (_gate)
        {
            // Attributes shipped last time are done with, except those of accounts whose push failed (marked again).
            _collected.Clear();
            _scratch.Clear();
            while (_marked.TryDequeue(out var account))
            {
                _scratch.Add(account);
                _collected.Add(account.Value);
            }

            foreach (ulong account in _attributes.Keys)
            {
                if (!_collected.Contains(account))
                {
                    _attributes.Remove(account);
                }
            }

            _collected.Clear();
            int added = 0;
            foreach (var account in _scratch)
            {
                added += Add(changed, account);
            }

            _linker?.ProcessPending();
            _linker?.DrainOutbox(_attributes);
            while (_feed.Reader.TryRead(out var account))
            {
                // Cleared under the account's lock before its state is exported: a request that comes after this
                // queues the account again, so no change can fall between two syncs.
                using (_accounts.EnterForRead(account, out var state))
                {
                    state?.Replica?.Dirty = false;
                }

                added += Add(changed, account);
            }

            if (Interlocked.Exchange(ref _shipAll, 0) != 0)
            {
                _scratch.Clear();
                _accounts.CopyAccounts(_scratch);
                foreach (var account in _scratch)
                {
                    added += Add(changed, account);
                }
            }

            foreach (ulong account in _attributes.Keys)
            {
                added += Add(changed, new AccountId(account));
            }

            return added;
        }
    }

    private int Add(ICollection<AccountId> changed, AccountId account)
    {
        if (!_collected.Add(account.Value))
        {
            return 0;
        }

        changed.Add(account);
        return 1;
    }

    /// <summary>Queues an account for the next <see cref="CollectChanges"/> again (e.g. its export did not reach the store).</summary>
    public void MarkChanged(AccountId account) => _marked.Enqueue(account);

    /// <summary>Makes the next <see cref="CollectChanges"/> return every tracked account (e.g. the store lost its data).</summary>
    public void MarkAllChanged() => Volatile.Write(ref _shipAll, 1);

    /// <summary>
    /// Writes this node's contribution to an account into <paramref name="destination"/> (at least
    /// <see cref="MaxContributionLength"/> bytes) and returns its length: 0 when this node has nothing of its own for
    /// the account (not tracked, or known only from other nodes).
    /// </summary>
    public int Export(AccountId account, Span<byte> destination)
    {
        if (destination.Length < Contribution.MaxLength)
        {
            throw new ArgumentException($"The destination must hold {Contribution.MaxLength} bytes.", nameof(destination));
        }

        var contribution = default(Contribution);
        using (_accounts.EnterForRead(account, out var state))
        {
            if (state?.Replica is not { } own || own.Activity.Requests == 0)
            {
                return 0;
            }

            contribution.Node = NodeId;
            contribution.Incarnation = own.Incarnation;
            contribution.Parts = new ContributionParts
            {
                Activity = own.Activity,
                Gaps = own.Gaps,
                Templates = own.Templates,
                Distances = own.Distances,
                Content = state.Content,
                Profile = state.Profile,
            };
        }

        contribution.WrittenAtMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_gate)
        {
            contribution.HasLinkAttributes = _attributes.TryGetValue(account.Value, out contribution.Attributes);
        }

        return contribution.Write(destination);
    }

    /// <summary>
    /// Takes in the contributions stored for an account (every contributor's, this node's own included: it is
    /// skipped, while this node's earlier lives count as remote). The account's state here becomes its own part
    /// plus the others'; it is tracked from now on even if it never sent a request here. Returns how many
    /// contributions were used; malformed ones are skipped and counted in <see cref="ContributionsRejected"/>.
    /// </summary>
    public int Import(AccountId account, IReadOnlyList<ReadOnlyMemory<byte>> contributions)
    {
        ArgumentNullException.ThrowIfNull(contributions);
        if (!account.IsValid)
        {
            return 0;
        }

        var remote = default(ContributionParts);
        var delta = default(ActivityCounters);
        Span<float> values = stackalloc float[RiskSignalNames.SignalCount];
        var assessment = default(Assessment);
        int used = 0;
        lock (_gate)
        {
            _imported.Clear();
            using (_accounts.EnterForUpdate(account, out var state))
            {
                var own = state.Replica!;
                long linkedUpTo = own.LinkImportedMs;
                foreach (var bytes in contributions)
                {
                    if (!Contribution.TryRead(bytes.Span, out var c))
                    {
                        Interlocked.Increment(ref _rejected);
                        continue;
                    }

                    if (c.Node == NodeId && c.Incarnation == own.Incarnation)
                    {
                        continue;
                    }

                    remote.Add(c.Parts);
                    used++;
                    if (c.HasLinkAttributes && c.Attributes.TimestampMs > linkedUpTo)
                    {
                        _imported.Add(c.Attributes);
                        own.LinkImportedMs = Math.Max(own.LinkImportedMs, c.Attributes.TimestampMs);
                    }
                }

                state.RebuildFrom(own, remote);
                delta = remote.Activity.DeltaSince(own.RemoteActivity);
                own.RemoteActivity = remote.Activity;
                state.ComputeSignals(_risk.Options, values);
            }

            _risk.Evaluate(values, ref assessment);
            if (_linker is not null && (delta.Requests > 0 || _imported.Count > 0))
            {
                _imported.Sort(static (a, b) => a.TimestampMs.CompareTo(b.TimestampMs));
                _linker.Import(account, assessment.Risk, delta, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_imported));
            }
        }

        return used;
    }

    /// <summary>Reads when a contribution was written (by its node's clock); false when it is not a contribution.</summary>
    public static bool TryReadWrittenAt(ReadOnlySpan<byte> contribution, out DateTimeOffset writtenAt)
    {
        bool ok = Contribution.TryReadHeader(contribution, out _, out _, out long ms);
        writtenAt = ok ? DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(ms, 0, 253_402_300_799_999)) : default;
        return ok;
    }
}
