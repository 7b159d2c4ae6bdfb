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
}
