using System.Numerics;

namespace AntiDistill;

/// <summary>
/// Accounts in memory, bounded: split into shards that lock independently, each holding at most its
/// share of <see cref="AccountStoreOptions.MaxAccounts"/>. A full shard evicts with CLOCK (second
/// chance on the recently-used bit) and reuses the evicted object, so a steady stream of new accounts
/// neither allocates nor grows memory.
/// </summary>
internal sealed class AccountStore
{
    private readonly Shard[] _shards;
    private readonly int _shardMask;
    private readonly long _idleMs;

    /// <param name="options">Bounds.</param>
    /// <param name="replicated">Whether each account also keeps this node's own contribution (<see cref="ReplicaState"/>).</param>
    public AccountStore(AccountStoreOptions options, bool replicated = false)
    {
        // Never more shards than accounts, so that every shard holds at least one; the shares then add
        // up to MaxAccounts exactly (the first MaxAccounts % shards shards take one more).
        int maxAccounts = Math.Max(1, options.MaxAccounts);
        int shards = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, options.Shards));
        while (shards > maxAccounts)
        {
            shards >>= 1;
        }

        _shards = new Shard[shards];
        for (int i = 0; i < shards; i++)
        {
            _shards[i] = new Shard((maxAccounts / shards) + (i < maxAccounts % shards ? 1 : 0), replicated);
        }

        _shardMask = shards - 1;
        _idleMs = (long)options.IdleTimeout.TotalMilliseconds;
    }

    /// <summary>Accounts currently tracked.</summary>
    public int Count
    {
        get
        {
            int total = 0;
            foreach (var shard in _shards)
            {
                total += shard.Count;
            }

            return total;
        }
    }

    /// <summary>
    /// Tracked accounts whose last assessed request on this node had <paramref name="verdict"/>: sums one counter per
    /// shard without taking a lock (O(shards), for gauges; each shard's count is exact, the sum a moment's snapshot).
    /// </summary>
    public int CountWith(Verdict verdict)
    {
        if (verdict == Verdict.Organic)
        {
            return Math.Max(0, Count - CountWith(Verdict.Suspicious) - CountWith(Verdict.Campaign));
        }

        int total = 0;
        foreach (var shard in _shards)
        {
            total += shard.Flagged(verdict);
        }

        return total;
    }

    /// <summary>
    /// Records the verdict of an account's latest assessment for <see cref="CountWith"/>. Costs one field read when the
    /// verdict did not change (almost every request); a change takes the shard's lock once more, and is ignored when the
    /// state was evicted or reused for another account since the caller let go of the lock.
    /// </summary>
    public void RecordVerdict(AccountId account, AccountState state, Verdict verdict)
    {
        if (state.Verdict == verdict) // unlocked read: a stale value only costs the lock below
        {
            return;
        }

        var shard = ShardOf(account);
        lock (shard.Gate)
        {
            if (shard.TryGet(account, out var current) && ReferenceEquals(current, state))
            {
                shard.Recount(state, verdict);
            }
        }
    }

    /// <summary>
    /// Locks the account's shard and returns its state, created if new. Dispose the scope (a <c>using</c>)
    /// to unlock; keep the work inside short, it blocks every account of the shard.
    /// </summary>
    public Lock.Scope EnterForUpdate(AccountId account, out AccountState state)
    {
        var shard = ShardOf(account);
        var scope = shard.Gate.EnterScope();
        try
        {
            state = shard.GetOrAdd(account);
            return scope;
        }
        catch
        {
            scope.Dispose();
            throw;
        }
    }

    /// <summary>Locks the account's shard and returns its state, or null when the account is not tracked.</summary>
    public Lock.Scope EnterForRead(AccountId account, out AccountState? state)
    {
        var shard = ShardOf(account);
        var scope = shard.Gate.EnterScope();
        state = shard.TryGet(account, out var existing) ? existing : null;
        return scope;
    }

    /// <summary>Forgets accounts not seen since <paramref name="nowMs"/> minus the idle timeout. Returns how many.</summary>
    public int EvictIdle(long nowMs)
    {
        int evicted = 0;
        foreach (var shard in _shards)
        {
            lock (shard.Gate)
            {
                evicted += shard.EvictOlderThan(nowMs - _idleMs);
            }
        }

        return evicted;
    }

    /// <summary>Adds every tracked account to <paramref name="into"/> (one shard lock at a time; off the request path).</summary>
    public void CopyAccounts(List<AccountId> into)
    {
        foreach (var shard in _shards)
        {
            lock (shard.Gate)
            {
                shard.CopyAccounts(into);
            }
        }
    }

    private Shard ShardOf(AccountId account) => _shards[(int)(account.Value >> 32) & _shardMask];

    private sealed class Shard(int capacity, bool replicated)
    {
        // Account to state directly (not to a slot number): one dependent load fewer on every request, which under
        // load is one cache miss fewer. The slots stay for CLOCK's hand and for reuse.
        private readonly Dictionary<ulong, AccountState> _index = [];
        private AccountState[] _slots = [];
        private int _hand;

        public Lock Gate { get; } = new();

        public int Count { get; private set; }

        // Accounts by flagged verdict, changed only under Gate; read without it by the gauges.
        private int _suspicious;
        private int _campaign;

        public int Flagged(Verdict verdict) => verdict == Verdict.Campaign ? Volatile.Read(ref _campaign) : Volatile.Read(ref _suspicious);

        /// <summary>Moves an account from the count of its old verdict to <paramref name="verdict"/>'s (under Gate).</summary>
        public void Recount(AccountState state, Verdict verdict)
        {
            Uncount(state);
            state.Verdict = verdict;
            if (verdict == Verdict.Suspicious)
            {
                Volatile.Write(ref _suspicious, _suspicious + 1);
            }
            else if (verdict == Verdict.Campaign)
            {
                Volatile.Write(ref _campaign, _campaign + 1);
            }
        }

        /// <summary>Takes an account out of the flagged counts before it leaves or is reused (under Gate).</summary>
        private void Uncount(AccountState state)
        {
            if (state.Verdict == Verdict.Suspicious)
            {
                Volatile.Write(ref _suspicious, _suspicious - 1);
            }
            else if (state.Verdict == Verdict.Campaign)
            {
                Volatile.Write(ref _campaign, _campaign - 1);
            }

            state.Verdict = Verdict.Organic;
        }

        public bool TryGet(AccountId account, out AccountState state)
        {
            if (_index.TryGetValue(account.Value, out var found))
            {
                state = found;
                return true;
            }

            state = null!;
            return false;
        }

        public AccountState GetOrAdd(AccountId account)
        {
            if (TryGet(account, out var existing))
            {
                return existing;
            }

            AccountState state;
            int slot;
            if (Count < capacity)
            {
                if (Count == _slots.Length)
                {
                    Array.Resize(ref _slots, Math.Min(capacity, Math.Max(4, _slots.Length * 2)));
                }

                slot = Count++;
                state = _slots[slot] ??= new AccountState(account) { Replica = replicated ? new ReplicaState() : null };
                state.Reset(account);
            }
            else
            {
                slot = ClockVictim();
                state = _slots[slot];
                Uncount(state);
                _index.Remove(state.Account.Value);
                state.Reset(account);
            }

            _index[account.Value] = state;
            return state;
        }

        /// <summary>CLOCK: sweep the hand, clearing recently-used bits, until one is already clear.</summary>
        private int ClockVictim()
        {
            while (true)
            {
                _hand = _hand + 1 >= Count ? 0 : _hand + 1;
                var candidate = _slots[_hand];
                if (!candidate.Referenced)
                {
                    return _hand;
                }

                candidate.Referenced = false;
            }
        }

        public void CopyAccounts(List<AccountId> into)
        {
            for (int i = 0; i < Count; i++)
            {
                into.Add(_slots[i].Account);
            }
        }

        public int EvictOlderThan(long cutoffMs)
        {
            int evicted = 0;
            for (int i = Count - 1; i >= 0; i--)
            {
                var state = _slots[i];
                if (state.LastSeenMs >= cutoffMs)
                {
                    continue;
                }

                // Swap-remove, keeping the slots dense; the evicted object stays at the end for reuse.
                Uncount(state);
                _index.Remove(state.Account.Value);
                int last = --Count;
                if (i != last)
                {
                    _slots[i] = _slots[last];
                    _slots[last] = state;
                }

                evicted++;
            }

            _hand = 0;
            return evicted;
        }
    }
}
