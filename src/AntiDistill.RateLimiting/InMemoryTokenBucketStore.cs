using System.Numerics;

namespace AntiDistill.RateLimiting;

/// <summary>
/// Token buckets in process memory, bounded and lazily refilled: each call reads the clock once and brings the
/// touched bucket up to date (no timers), buckets are split into shards that lock independently, and each shard
/// holds at most its share of <see cref="InMemoryTokenBucketStoreOptions.MaxBuckets"/>.
/// </summary>
/// <remarks>
/// A full shard makes room by forgetting a bucket that has refilled to capacity (it would come back full anyway,
/// so nothing is lost) or else the least recently used one, approximated with CLOCK. An attacker rotating keys
/// therefore only ever meets full buckets on new keys, which is what a new key deserves, and cannot grow memory.
/// Steady-state calls allocate nothing.
/// </remarks>
public sealed class InMemoryTokenBucketStore : ITokenBucketStore
{
    private readonly Shard[] _shards;
    private readonly int _shardShift;
    private readonly TimeProvider _time;

    /// <summary>A store with default bounds on the system clock.</summary>
    public InMemoryTokenBucketStore()
        : this(new InMemoryTokenBucketStoreOptions())
    {
    }

    /// <summary>A store with the given bounds; time from <paramref name="timeProvider"/> (default <see cref="TimeProvider.System"/>).</summary>
    public InMemoryTokenBucketStore(InMemoryTokenBucketStoreOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = timeProvider ?? TimeProvider.System;

        // Never more shards than buckets, so that every shard holds at least one and the shares add up to MaxBuckets.
        int maxBuckets = Math.Max(1, options.MaxBuckets);
        int shards = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(options.Shards, 1, 4096));
        while (shards > maxBuckets)
        {
            shards >>= 1;
        }

        _shards = new Shard[shards];
        for (int i = 0; i < shards; i++)
        {
            _shards[i] = new Shard((maxBuckets / shards) + (i < maxBuckets % shards ? 1 : 0), _time.TimestampFrequency);
        }

        _shardShift = 64 - BitOperations.Log2((uint)shards);
        MaxBuckets = maxBuckets;
    }

    /// <summary>Most buckets held at once.</summary>
    public int MaxBuckets { get; }

    /// <summary>Buckets currently held.</summary>
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

    /// <inheritdoc />
    public TokenBucketResult TryTake(TokenBucketKey key, TokenBucketLimits limits, double tokens)
    {
        long now = _time.GetTimestamp();
        var shard = ShardOf(key);
        lock (shard.Gate)
        {
            ref var bucket = ref shard.GetOrAdd(key, limits, now);
            var result = TokenBucketMath.TryTake(ref bucket.Level, tokens, limits);
            shard.Stamp(ref bucket, limits, now);
            return result;
        }
    }

    /// <inheritdoc />
    public ValueTask<TokenBucketResult> TryTakeAsync(TokenBucketKey key, TokenBucketLimits limits, double tokens, CancellationToken cancellationToken = default)
        => cancellationToken.IsCancellationRequested
            ? ValueTask.FromCanceled<TokenBucketResult>(cancellationToken)
            : new ValueTask<TokenBucketResult>(TryTake(key, limits, tokens));

    /// <inheritdoc />
    public void Settle(TokenBucketKey key, TokenBucketLimits limits, double tokens)
    {
        long now = _time.GetTimestamp();
        var shard = ShardOf(key);
        lock (shard.Gate)
        {
            // A refund to a bucket we do not hold would only fill a bucket that is already (implicitly) full.
            if (tokens <= 0 && !shard.Contains(key))
            {
                return;
            }

            ref var bucket = ref shard.GetOrAdd(key, limits, now);
            bucket.Level = TokenBucketMath.Settle(bucket.Level, tokens, limits);
            shard.Stamp(ref bucket, limits, now);
        }
    }

    /// <inheritdoc />
    public ValueTask SettleAsync(TokenBucketKey key, TokenBucketLimits limits, double tokens, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        Settle(key, limits, tokens);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public double GetAvailable(TokenBucketKey key, TokenBucketLimits limits)
    {
        long now = _time.GetTimestamp();
        var shard = ShardOf(key);
        lock (shard.Gate)
        {
            return shard.Peek(key, limits, now);
        }
    }

    private Shard ShardOf(TokenBucketKey key)
    {
        // Cluster ids are small consecutive integers: mix before taking the high bits (Fibonacci hashing).
        ulong mixed = (key.Id ^ ((ulong)key.Scope << 63)) * 0x9E3779B97F4A7C15UL;
        return _shards.Length == 1 ? _shards[0] : _shards[(int)(mixed >> _shardShift)];
    }

    private struct Bucket
    {
        public TokenBucketKey Key;
        public double Level;
        public long Updated;
        public long FullAt;
        public bool Referenced;
    }

    private sealed class Shard(int capacity, long frequency)
    {
        private readonly Dictionary<TokenBucketKey, int> _index = new(Math.Min(capacity, 64), TokenBucketKeyComparer.Instance);
        private readonly int _capacity = capacity;
        private readonly double _frequency = frequency;
        private Bucket[] _buckets = new Bucket[Math.Min(capacity, 64)];
        private int _count;
        private int _hand;

        public Lock Gate { get; } = new();

        public int Count => Volatile.Read(ref _count);

        public bool Contains(TokenBucketKey key) => _index.ContainsKey(key);

        public double Peek(TokenBucketKey key, in TokenBucketLimits limits, long now)
            => _index.TryGetValue(key, out int slot)
                ? TokenBucketMath.Refill(_buckets[slot].Level, Seconds(now - _buckets[slot].Updated), limits)
                : limits.Capacity;

        /// <summary>The bucket, refilled to <paramref name="now"/>; a new one starts full.</summary>
        public ref Bucket GetOrAdd(TokenBucketKey key, in TokenBucketLimits limits, long now)
        {
            if (_index.TryGetValue(key, out int slot))
            {
                ref var existing = ref _buckets[slot];
                existing.Level = TokenBucketMath.Refill(existing.Level, Seconds(now - existing.Updated), limits);
                existing.Referenced = true;
                return ref existing;
            }

            slot = _count < _capacity ? Append() : Evict(now);
            _index.Add(key, slot);
            ref var bucket = ref _buckets[slot];
            bucket = new Bucket { Key = key, Level = limits.Capacity, Updated = now, FullAt = now, Referenced = true };
            return ref bucket;
        }

        /// <summary>Records the update time and when the bucket will be full again (what eviction looks at).</summary>
        public void Stamp(ref Bucket bucket, in TokenBucketLimits limits, long now)
        {
            bucket.Updated = now;
            double seconds = TokenBucketMath.SecondsToFull(bucket.Level, limits);
            bucket.FullAt = seconds * _frequency >= long.MaxValue - now ? long.MaxValue : now + (long)Math.Ceiling(seconds * _frequency);
        }

        private double Seconds(long elapsed) => elapsed / _frequency;

        private int Append()
        {
            if (_count == _buckets.Length)
            {
                // Grow geometrically up to the shard's share only: memory follows the keys actually seen.
                Array.Resize(ref _buckets, (int)Math.Min(_capacity, (long)_buckets.Length * 2));
            }

            Volatile.Write(ref _count, _count + 1);
            return _count - 1;
        }

        private int Evict(long now)
        {
            // CLOCK with a shortcut: a bucket that is full again is free to forget. Two sweeps at most, since the
            // first clears every Referenced bit.
            for (int step = 0; ; step++)
            {
                ref var candidate = ref _buckets[_hand];
                int slot = _hand;
                _hand = _hand + 1 == _count ? 0 : _hand + 1;
                if (candidate.FullAt <= now || !candidate.Referenced || step >= 2 * _count)
                {
                    _index.Remove(candidate.Key);
                    return slot;
                }

                candidate.Referenced = false;
            }
        }
    }

    private sealed class TokenBucketKeyComparer : IEqualityComparer<TokenBucketKey>
    {
        public static readonly TokenBucketKeyComparer Instance = new();

        public bool Equals(TokenBucketKey x, TokenBucketKey y) => x.Id == y.Id && x.Scope == y.Scope;

        // Account ids are already keyed hashes; cluster ids are small and distinct, so folding the halves suffices.
        public int GetHashCode(TokenBucketKey obj) => (int)obj.Id ^ (int)(obj.Id >> 32) ^ ((int)obj.Scope << 30);
    }
}
