using System.Buffers.Binary;
using AntiDistill.Redis.Internal;
using StackExchange.Redis;

namespace AntiDistill.Redis.Sync;

/// <summary>
/// One sync cycle between this node's engine and Redis: check the epoch, push this node's changed contributions,
/// pull the accounts other nodes changed. Pipelined batches through the sync resilience pipeline; never throws for
/// a Redis failure (the cycle stops, what was not pushed is pushed next time).
/// </summary>
/// <remarks>
/// Redis layout: each account's contributions in one hash (field = contributor key, value = the engine's bytes),
/// expiring <see cref="RedisStateOptions.StateTimeToLive"/> after its last push; a stream of change notices (node id
/// and packed account ids per batch) capped at <see cref="RedisStateOptions.ChangeFeedLength"/>; an epoch value that
/// disappears when Redis loses its data, upon which every node pushes everything again.
/// </remarks>
internal sealed class RedisStateSynchronizer
{
    private static readonly RedisValue NodeField = "n";
    private static readonly RedisValue AccountsField = "a";

    private readonly DistillationEngine _engine;
    private readonly StateReplica _replica;
    private readonly RedisConnection _connection;
    private readonly RedisResilience _resilience;
    private readonly RedisMetrics _metrics;
    private readonly RedisKeys _keys;
    private readonly RedisStateOptions _options;
    private readonly TimeProvider _time;
    private readonly byte[] _nodeId = new byte[8];
    private readonly List<AccountId> _changed = [];
    private readonly HashSet<ulong> _pulled = [];
    private readonly List<ReadOnlyMemory<byte>> _contributions = [];
    private RedisValue _epoch = RedisValue.Null;
    private RedisValue _feedPosition = "0-0";
    private long _lastSuccessTimestamp;
    private int _pushed;

    public RedisStateSynchronizer(DistillationEngine engine, RedisConnection connection, RedisResilience resilience, RedisMetrics metrics,
        RedisStateOptions options, TimeProvider time)
    {
        _engine = engine;
        _replica = engine.Replica ?? throw new InvalidOperationException("The engine does not replicate its state: AddRedisState turns on AntiDistillationOptions.Replication.Enabled; was the engine created elsewhere?");
        _connection = connection;
        _resilience = resilience;
        _metrics = metrics;
        _options = options;
        _time = time;
        _keys = new RedisKeys(options.KeyPrefix);
        BinaryPrimitives.WriteUInt64LittleEndian(_nodeId, _replica.NodeId);
        _lastSuccessTimestamp = time.GetTimestamp();
    }

    /// <summary>Time since the last cycle that completed against Redis (or since start).</summary>
    public TimeSpan Lag => _time.GetElapsedTime(Volatile.Read(ref _lastSuccessTimestamp));

    /// <summary>Whether a cycle has ever completed.</summary>
    public bool EverSynced { get; private set; }

    /// <summary>Runs one cycle. Returns false when Redis failed (already counted; the caller may log at debug).</summary>
    public async Task<SyncOutcome> SyncOnceAsync(CancellationToken cancellationToken)
    {
        int pulled = 0;
        _pushed = 0;
        _changed.Clear();
        try
        {
            var db = await _connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
            await CheckEpochAsync(db, cancellationToken).ConfigureAwait(false);
            _replica.CollectChanges(_changed);
            await PushAsync(db, cancellationToken).ConfigureAwait(false);
            pulled = await PullAsync(db, cancellationToken).ConfigureAwait(false);
            _engine.ProcessLinkage();
            Volatile.Write(ref _lastSuccessTimestamp, _time.GetTimestamp());
            EverSynced = true;
            return new SyncOutcome(true, _pushed, pulled, null);
        }
        catch (Exception ex) when (RedisResilience.IsFallback(ex) || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Whatever was collected and not pushed goes out next time: nothing counted is lost while this node lives.
            for (int i = _pushed; i < _changed.Count; i++)
            {
                _replica.MarkChanged(_changed[i]);
            }

            _metrics.Failed("sync");
            return new SyncOutcome(false, _pushed, pulled, ex);
        }
    }

    private async Task CheckEpochAsync(IDatabase db, CancellationToken cancellationToken)
    {
        var epoch = await _resilience.SyncAsync(
            static async (state, ct) =>
            {
                var (db, keys, ttl) = state;
                var value = await db.StringGetAsync(keys.Epoch).WaitAsync(ct).ConfigureAwait(false);
                if (value.IsNull)
                {
                    // First node after a start or a data loss: set a new epoch (only one node wins), then read the winner.
                    await db.StringSetAsync(keys.Epoch, Guid.NewGuid().ToString("N"), ttl, When.NotExists).WaitAsync(ct).ConfigureAwait(false);
                    value = await db.StringGetAsync(keys.Epoch).WaitAsync(ct).ConfigureAwait(false);
                }
                else
                {
                    _ = db.KeyExpireAsync(keys.Epoch, ttl, CommandFlags.FireAndForget);
                }

                return value;
            },
            (db, _keys, _options.StateTimeToLive),
            cancellationToken).ConfigureAwait(false);

        if (epoch != _epoch)
        {
            // A new epoch means Redis lost what the nodes had pushed (restart without persistence, flush, expiry):
            // push every account again and read the new feed from its start.
            _epoch = epoch;
            _feedPosition = "0-0";
            _replica.MarkAllChanged();
        }
    }

    private async Task PushAsync(IDatabase db, CancellationToken cancellationToken)
    {
        while (_pushed < _changed.Count)
        {
            int count = Math.Min(_options.BatchSize, _changed.Count - _pushed);
            var batch = new PushBatch(_changed.GetRange(_pushed, count), _replica, _keys, _nodeId, _options);
            await _resilience.SyncAsync(static (s, ct) => s.batch.SendAsync(s.db, ct), (batch, db), cancellationToken).ConfigureAwait(false);
            _pushed += count;
            _metrics.Pushed(batch.Written);
        }
    }

    private async Task<int> PullAsync(IDatabase db, CancellationToken cancellationToken)
    {
        _pulled.Clear();
        var entries = await _resilience.SyncAsync(
            static (s, ct) => new ValueTask<StreamEntry[]>(s.db.StreamReadAsync(s.Feed, s.position, s.count).WaitAsync(ct)),
            (db, _keys.Feed, position: _feedPosition, count: _options.BatchSize),
            cancellationToken).ConfigureAwait(false);

        foreach (var entry in entries)
        {
            _feedPosition = entry.Id;
            byte[]? node = entry[NodeField];
            byte[]? accounts = entry[AccountsField];
            if (node is null || accounts is null || node.AsSpan().SequenceEqual(_nodeId))
            {
                continue; // our own notice, or not one of ours
            }

            for (int i = 0; i + 8 <= accounts.Length; i += 8)
            {
                ulong account = BinaryPrimitives.ReadUInt64LittleEndian(accounts.AsSpan(i));
                if (account != 0)
                {
                    _pulled.Add(account);
                }
            }
        }

        if (_pulled.Count == 0)
        {
            return 0;
        }

        var ids = _pulled.ToArray();
        long staleBeforeMs = (_time.GetUtcNow() - _options.StateTimeToLive).ToUnixTimeMilliseconds();
        for (int start = 0; start < ids.Length; start += _options.BatchSize)
        {
            var slice = new ArraySegment<ulong>(ids, start, Math.Min(_options.BatchSize, ids.Length - start));
            var hashes = await _resilience.SyncAsync(
                static async (s, ct) =>
                {
                    var tasks = new Task<HashEntry[]>[s.slice.Count];
                    for (int i = 0; i < tasks.Length; i++)
                    {
                        tasks[i] = s.db.HashGetAllAsync(s.keys.Account(s.slice[i]));
                    }

                    return await Task.WhenAll(tasks).WaitAsync(ct).ConfigureAwait(false);
                },
                (db, keys: _keys, slice),
                cancellationToken).ConfigureAwait(false);

            for (int i = 0; i < hashes.Length; i++)
            {
                Import(db, slice[i], hashes[i], staleBeforeMs);
            }

            _metrics.Pulled(hashes.Length);
        }

        return ids.Length;
    }

    private void Import(IDatabase db, ulong account, HashEntry[] fields, long staleBeforeMs)
    {
        _contributions.Clear();
        foreach (var field in fields)
        {
            byte[]? value = field.Value;
            if (value is null)
            {
                continue;
            }

            if (StateReplica.TryReadWrittenAt(value, out var writtenAt) && writtenAt.ToUnixTimeMilliseconds() < staleBeforeMs)
            {
                // A contributor that stopped pushing (a node gone, an evicted account's earlier life) ages out.
                _ = db.HashDeleteAsync(_keys.Account(account), field.Name, CommandFlags.FireAndForget);
                continue;
            }

            _contributions.Add(value);
        }

        _replica.Import(new AccountId(account), _contributions);
    }

    /// <summary>One pipelined push: each account's contribution and expiry, then one change notice.</summary>
    private sealed class PushBatch(List<AccountId> accounts, StateReplica replica, RedisKeys keys, byte[] nodeId, RedisStateOptions options)
    {
        public int Written { get; private set; }

        public async ValueTask SendAsync(IDatabase db, CancellationToken cancellationToken)
        {
            var tasks = new List<Task>(accounts.Count * 2 + 1);
            var notice = new byte[accounts.Count * 8];
            byte[] buffer = new byte[StateReplica.MaxContributionLength];
            int written = 0;
            foreach (var account in accounts)
            {
                int length = replica.Export(account, buffer);
                if (length == 0)
                {
                    continue;
                }

                var key = keys.Account(account.Value);
                tasks.Add(db.HashSetAsync(key, buffer.AsSpan(0, StateReplica.ContributorKeyLength).ToArray(), buffer.AsSpan(0, length).ToArray()));
                tasks.Add(db.KeyExpireAsync(key, options.StateTimeToLive));
                BinaryPrimitives.WriteUInt64LittleEndian(notice.AsSpan(written * 8), account.Value);
                written++;
            }

            if (written > 0)
            {
                tasks.Add(db.StreamAddAsync(keys.Feed, [new NameValueEntry(NodeField, nodeId), new NameValueEntry(AccountsField, notice.AsSpan(0, written * 8).ToArray())],
                    maxLength: options.ChangeFeedLength, useApproximateMaxLength: true));
                tasks.Add(db.KeyExpireAsync(keys.Feed, options.StateTimeToLive));
            }

            await Task.WhenAll(tasks).WaitAsync(cancellationToken).ConfigureAwait(false);
            Written = written;
        }
    }
}

/// <summary>What one sync cycle did.</summary>
internal readonly record struct SyncOutcome(bool Succeeded, int Pushed, int Pulled, Exception? Failure);
