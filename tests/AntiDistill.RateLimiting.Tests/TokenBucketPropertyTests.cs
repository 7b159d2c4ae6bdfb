using AntiDistill.RateLimiting;
using FsCheck;
using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;

namespace AntiDistill.RateLimiting.Tests;

/// <summary>Properties over any sequence of takes, settles and clock advances (each int encodes one step).</summary>
public class TokenBucketPropertyTests
{
    private const double Capacity = 1_000;
    private const double Rate = 50;
    private const double MaxDebt = 500;
    private static readonly TokenBucketLimits Limits = new(Capacity, Rate, MaxDebt);
    private static readonly TokenBucketKey Key = new(TokenBucketScope.Account, 1);

    [Property(MaxTest = 300)]
    public bool TryTake_AnySequence_GrantsAtMostCapacityPlusRefill(int[] steps)
    {
        var time = new FakeTimeProvider();
        var store = new InMemoryTokenBucketStore(new InMemoryTokenBucketStoreOptions { MaxBuckets = 4, Shards = 1 }, time);
        double granted = 0;
        double elapsed = 0;
        foreach (int step in steps ?? [])
        {
            int amount = (step >>> 2) % 1_000;
            switch (step & 3)
            {
                case 0:
                    time.Advance(TimeSpan.FromMilliseconds(amount));
                    elapsed += amount / 1_000.0;
                    break;
                case 1:
                    // Further charges (usage above the estimate) only ever lower what may be granted.
                    store.Settle(Key, Limits, amount);
                    break;
                default:
                    if (store.TryTake(Key, Limits, amount + 1).Acquired)
                    {
                        granted += amount + 1;
                    }

                    break;
            }

            if (granted > (Capacity + (Rate * elapsed)) * (1 + 1e-9))
            {
                return false;
            }
        }

        return true;
    }

    [Property(MaxTest = 300)]
    public bool TryTake_AnySequence_LevelBoundedAndRetryAfterExactAndNonNegative(int[] steps)
    {
        var time = new FakeTimeProvider();
        var store = new InMemoryTokenBucketStore(new InMemoryTokenBucketStoreOptions { MaxBuckets = 4, Shards = 1 }, time);
        foreach (int step in steps ?? [])
        {
            // Amounts up to 4 × capacity: oversized requests and settles, refunds included.
            int amount = (step >>> 2) % 4_000;
            switch (step & 3)
            {
                case 0:
                    time.Advance(TimeSpan.FromMilliseconds(amount));
                    break;
                case 1:
                    store.Settle(Key, Limits, amount - 2_000);
                    break;
                default:
                    var result = store.TryTake(Key, Limits, amount);
                    if (result.Acquired ? result.RetryAfter != TimeSpan.Zero : result.RetryAfter <= TimeSpan.Zero)
                    {
                        return false;
                    }

                    if (!result.Acquired)
                    {
                        // Waiting exactly RetryAfter always suffices (no negative, no short waits).
                        time.Advance(result.RetryAfter);
                        if (!store.TryTake(Key, Limits, amount).Acquired)
                        {
                            return false;
                        }
                    }

                    break;
            }

            double level = store.GetAvailable(Key, Limits);
            if (level < -MaxDebt || level > Capacity)
            {
                return false;
            }
        }

        return true;
    }

    [Property(MaxTest = 200)]
    public bool AttemptAcquire_AnyHydraSequence_ClusterAndAccountsGrantAtMostTheirBudgets(int[] steps)
    {
        var time = new FakeTimeProvider();
        var options = RiskRateLimiterTests.Options();
        using var limiter = new RiskRateLimiter(options, new InMemoryTokenBucketStore(new InMemoryTokenBucketStoreOptions(), time));
        var cluster = new ClusterId(1);
        var perAccount = new double[8];
        double total = 0;
        double elapsed = 0;
        foreach (int step in steps ?? [])
        {
            int amount = (step >>> 5) % 1_000;
            if ((step & 3) == 0)
            {
                time.Advance(TimeSpan.FromMilliseconds(amount));
                elapsed += amount / 1_000.0;
                continue;
            }

            int account = (step >>> 2) & 7;
            float risk = (amount % 11) / 10f;
            using var lease = limiter.AttemptAcquire(new RiskPartitionKey(new AccountId((ulong)account + 1), cluster, risk, risk, amount + 1));
            if (lease.IsAcquired)
            {
                perAccount[account] += amount + 1;
                total += amount + 1;
            }

            // Risk weights are at least 1, so real tokens granted never exceed the untightened budgets.
            if (total > (options.Cluster.Capacity + (options.Cluster.TokensPerSecond * elapsed)) * (1 + 1e-9)
                || perAccount[account] > (options.Account.Capacity + (options.Account.TokensPerSecond * elapsed)) * (1 + 1e-9))
            {
                return false;
            }
        }

        return true;
    }

    [Property(MaxTest = 200)]
    public bool Utf8LengthEstimateTokens_AnyBytes_BytesOverFourRoundedUp(byte[] utf8)
    {
        utf8 ??= [];
        long cheap = Utf8LengthTokenEstimator.Instance.EstimateTokens(utf8);
        return cheap == (utf8.Length + 3) / 4;
    }
}
