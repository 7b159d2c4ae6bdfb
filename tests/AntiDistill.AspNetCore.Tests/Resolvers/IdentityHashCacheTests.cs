using System.Net;

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
}
