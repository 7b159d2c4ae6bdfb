using System.Globalization;
using StackExchange.Redis;

namespace AntiDistill.Redis.RateLimiting;

/// <summary>
/// The token bucket as one Lua script, so that a read-refill-take is atomic across every node and every caller,
/// on the Redis server's clock (<c>TIME</c>), never a node's. The arithmetic is the store contract's
/// (<see cref="AntiDistill.RateLimiting.ITokenBucketStore"/>), line by line.
/// </summary>
/// <remarks>
/// A bucket is a hash {l = level, t = server time in µs}. A bucket that is full again is deleted (a missing bucket
/// is full), and every other one expires when it would be full, so Redis holds only buckets that are below capacity.
/// Levels travel as strings: Redis turns Lua numbers into integers.
/// </remarks>
internal static class TokenBucketScript
{
    public const string Take = "t";
    public const string Settle = "s";
    public const string Peek = "p";

    public const string Source = """
        local now = redis.call('TIME')
        local us = tonumber(now[1]) * 1000000 + tonumber(now[2])
        local capacity = tonumber(ARGV[1])
        local rate = tonumber(ARGV[2])
        local debt = tonumber(ARGV[3])
        local tokens = tonumber(ARGV[4])
        local op = ARGV[5]
        local state = redis.call('HMGET', KEYS[1], 'l', 't')
        local level = tonumber(state[1])
        local stamp = tonumber(state[2])
        if level == nil or stamp == nil then
          level = capacity
          stamp = us
        end
        local elapsed = (us - stamp) / 1000000
        if elapsed > 0 then
          level = math.min(capacity, level + elapsed * rate)
        else
          level = math.min(level, capacity)
        end
        local acquired = 1
        if op == 't' then
          local take = math.max(tokens, 0)
          local admit = math.min(take, capacity)
          if level + 1e-9 * admit >= admit then
            level = math.max(level - take, -debt)
          else
            acquired = 0
          end
        elseif op == 's' then
          level = math.max(-debt, math.min(capacity, level - tokens))
        end
        if op ~= 'p' then
          if level >= capacity then
            redis.call('DEL', KEYS[1])
          else
            redis.call('HSET', KEYS[1], 'l', string.format('%.17g', level), 't', string.format('%.0f', us))
            redis.call('PEXPIRE', KEYS[1], string.format('%.0f', math.min(math.ceil((capacity - level) / rate * 1000) + 1000, 31536000000)))
          end
        end
        return { acquired, string.format('%.17g', level) }
        """;

    public static RedisValue[] Arguments(AntiDistill.RateLimiting.TokenBucketLimits limits, double tokens, string op) =>
    [
        limits.Capacity.ToString("R", CultureInfo.InvariantCulture),
        limits.TokensPerSecond.ToString("R", CultureInfo.InvariantCulture),
        limits.MaxDebt.ToString("R", CultureInfo.InvariantCulture),
        tokens.ToString("R", CultureInfo.InvariantCulture),
        op,
    ];

    /// <summary>Reads the script's reply into the contract's result (RetryAfter rounded up to a whole tick, as the local store does).</summary>
    public static AntiDistill.RateLimiting.TokenBucketResult Read(RedisResult reply, AntiDistill.RateLimiting.TokenBucketLimits limits, double tokens)
    {
        var parts = (RedisResult[])reply!;
        bool acquired = (long)parts[0] == 1;
        double level = double.Parse((string)parts[1]!, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (acquired)
        {
            return new(true, level, TimeSpan.Zero);
        }

        double missing = Math.Min(Math.Max(tokens, 0), limits.Capacity) - level;
        double ticks = Math.Ceiling(missing / limits.TokensPerSecond * TimeSpan.TicksPerSecond);
        var wait = ticks <= 0 ? TimeSpan.Zero : ticks >= TimeSpan.MaxValue.Ticks ? TimeSpan.MaxValue : TimeSpan.FromTicks((long)ticks);
        return new(false, level, wait);
    }
}
