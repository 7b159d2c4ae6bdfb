using System.Net;
using FsCheck.Xunit;

namespace AntiDistill.AspNetCore.Tests.Resolvers;

public class IdentityHashCacheTests
{
    private static readonly IdentityHasher Hasher = new(new byte[32]);

    [Fact]
    public void Hash_Repeated_SameAsTheHasherEveryTime()
    {
        var cache = new IdentityHashCache(Hasher);

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(Hasher.Hash("sk-123".AsSpan()), cache.Hash("sk-123", 1));
            Assert.Equal(Hasher.IpPrefix(IPAddress.Parse("203.0.113.9")), cache.IpPrefix(IPAddress.Parse("203.0.113.9")));
        }

        Assert.Equal(2, cache.Count);
        Assert.Equal(0UL, cache.Hash("", 1));
    }

    [Fact]
    public void Hash_SameTextDifferentKinds_SameHashSeparateEntries()
    {
        var cache = new IdentityHashCache(Hasher);

        Assert.Equal(cache.Hash("curl/8", 1), cache.Hash("curl/8", 3));
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void Hash_ManyDistinctValues_StaysWithinCapacity()
    {
        var cache = new IdentityHashCache(Hasher, capacity: 100);

        for (int i = 0; i < 1000; i++)
        {
            Assert.Equal(Hasher.Hash($"sk-{i}".AsSpan()), cache.Hash($"sk-{i}", 1));
        }

        Assert.InRange(cache.Count, 1, 100);
    }

    [Fact]
    public void Hash_TwoCachesOfDifferentKeysOnOneThread_EachAnswersWithItsOwnHasher()
    {
        // Each thread remembers its last lookups: that memory must never answer for another cache (another key).
        var otherHasher = new IdentityHasher(Enumerable.Repeat((byte)7, 32).ToArray());
        var cache = new IdentityHashCache(Hasher);
        var other = new IdentityHashCache(otherHasher);
        var address = IPAddress.Parse("203.0.113.9");

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(Hasher.Hash("agent/1".AsSpan()), cache.Hash("agent/1", 3));
            Assert.Equal(otherHasher.Hash("agent/1".AsSpan()), other.Hash("agent/1", 3));
            Assert.Equal(Hasher.IpPrefix(address), cache.IpPrefix(address));
            Assert.Equal(otherHasher.IpPrefix(address), other.IpPrefix(address));
        }

        Assert.NotEqual(Hasher.Hash("agent/1".AsSpan()), otherHasher.Hash("agent/1".AsSpan()));
    }

    [Fact]
    public void Hash_AlternatingValuesOfOneKind_EachGetsItsOwnHash()
    {
        var cache = new IdentityHashCache(Hasher);

        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(Hasher.Hash("agent/1".AsSpan()), cache.Hash("agent/1", 3));
            Assert.Equal(Hasher.Hash("agent/2".AsSpan()), cache.Hash("agent/2", 3));
            Assert.Equal(Hasher.Hash("sk-1".AsSpan()), cache.Hash("sk-1", 1));
            Assert.Equal(Hasher.IpPrefix(IPAddress.Parse("198.51.100.1")), cache.IpPrefix(IPAddress.Parse("198.51.100.1")));
            Assert.Equal(Hasher.IpPrefix(IPAddress.Parse("2001:db8::1")), cache.IpPrefix(IPAddress.Parse("2001:db8::1")));
        }
    }

    [Fact]
    public void Hash_TwoValuesInTheOnlySet_BothStay()
    {
        var cache = new IdentityHashCache(Hasher, capacity: 2);

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(Hasher.Hash("sk-a".AsSpan()), cache.Hash("sk-a", 1));
            Assert.Equal(Hasher.Hash("sk-b".AsSpan()), cache.Hash("sk-b", 1));
        }

        Assert.Equal(2, cache.Count);
    }

    [Property(MaxTest = 2000)]
    public void Answers_TornReadOfTwoWrites_NeverAnotherKeysHash(ulong key1, ulong hash1, ulong key2, ulong hash2)
    {
        // Two writes to one entry, (key1, hash1) then (key2, hash2), each with its check word. A reader racing them can
        // see any mix of the three fields; whichever key it looks up, it may only be answered with that key's own hash.
        hash2 = key1 == key2 ? hash1 : hash2; // one key has one hash
        ulong[] keys = [key1, key2], hashes = [hash1, hash2];
        ulong[] checks = [IdentityHashCache.Check(key1, hash1), IdentityHashCache.Check(key2, hash2)];
        for (int k = 0; k < 2; k++)
        {
            for (int h = 0; h < 2; h++)
            {
                for (int c = 0; c < 2; c++)
                {
                    if (IdentityHashCache.Answers(keys[k], keys[k], hashes[h], checks[c]))
                    {
                        Assert.Equal(hashes[k], hashes[h]);
                    }
                }
            }
        }

        Assert.True(IdentityHashCache.Answers(key1, key1, hash1, checks[0]));
    }
}
