using System.Net;
using System.Text;
using FsCheck;
using FsCheck.Xunit;

namespace AntiDistill.Tests.Observations;

public class IdentityHasherTests
{
    private static readonly byte[] KeyA = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];
    private static readonly byte[] KeyB = [.. Enumerable.Range(0, 32).Select(i => (byte)(i + 100))];
    private static readonly IdentityHasher A = new(KeyA);
    private static readonly IdentityHasher B = new(KeyB);

    [Property]
    public bool Hash_SameInputSameKey_SameNonZeroHash(NonEmptyString value)
    {
        string s = value.Get;
        ulong h = A.Hash(s);
        return h != 0
            && h == new IdentityHasher(KeyA).Hash(s)
            && h == A.Hash(s.AsSpan())
            && h == A.Hash(Encoding.UTF8.GetBytes(s))
            && A.Account(s) == new AccountId(h);
    }

    [Property]
    public bool Hash_DifferentKeys_DifferentHashes(NonEmptyString value) => A.Hash(value.Get) != B.Hash(value.Get);

    [Fact]
    public void Hash_DifferentInputs_DifferentHashes()
    {
        var hashes = Enumerable.Range(0, 10_000).Select(i => A.Hash("account-" + i)).ToHashSet();
        Assert.Equal(10_000, hashes.Count);
    }

    [Fact]
    public void Hash_LongText_MatchesItsUtf8Bytes()
    {
        // Longer than the stack buffer, so the pooled path is taken; non-ASCII so UTF-8 is longer than the text.
        string text = string.Concat(Enumerable.Repeat("clé-ключ-鍵-", 200));
        Assert.Equal(A.Hash(Encoding.UTF8.GetBytes(text)), A.Hash(text));
        Assert.Equal(A.Hash(text), A.Hash(text.AsSpan()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    public void Constructor_KeyShorterThan16Bytes_Throws(int length)
    {
        var ex = Assert.Throws<ArgumentException>(() => new IdentityHasher(new byte[length]));
        Assert.Equal("key", ex.ParamName);
    }

    [Fact]
    public void Constructor_KeyOf16Bytes_IsAccepted()
    {
        Assert.NotEqual(0UL, new IdentityHasher(new byte[16]).Hash("x"));
    }

    [Fact]
    public void Constructor_CopiesTheKey()
    {
        byte[] key = [.. KeyA];
        var hasher = new IdentityHasher(key);
        ulong before = hasher.Hash("account");
        key[0] ^= 0xFF;
        Assert.Equal(before, hasher.Hash("account"));
    }

    [Fact]
    public void Hash_NullOrEmpty_IsZero()
    {
        Assert.Equal(0UL, A.Hash((string?)null));
        Assert.Equal(0UL, A.Hash(string.Empty));
        Assert.Equal(0UL, A.Hash(ReadOnlySpan<char>.Empty));
        Assert.Equal(0UL, A.Hash(ReadOnlySpan<byte>.Empty));
        Assert.False(A.Account(string.Empty).IsValid);
    }

    [Theory]
    [InlineData("192.168.1.1", "192.168.1.254")]
    [InlineData("10.0.0.0", "10.0.0.255")]
    [InlineData("2001:db8:abcd:1::1", "2001:db8:abcd:ffff:ffff::42")]
    [InlineData("2001:db8:abcd::", "2001:db8:abcd:12:34:56:78:9a")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.200")]
    public void IpPrefix_SameSubnet_SameHash(string first, string second)
    {
        ulong a = A.IpPrefix(IPAddress.Parse(first));
        Assert.NotEqual(0UL, a);
        Assert.Equal(a, A.IpPrefix(IPAddress.Parse(second)));
    }

    [Theory]
    [InlineData("192.168.1.1", "192.168.2.1")]
    [InlineData("192.168.1.1", "193.168.1.1")]
    [InlineData("2001:db8:abcd:1::1", "2001:db8:abce:1::1")]
    [InlineData("2001:db8:abcd::1", "2001:db9:abcd::1")]
    [InlineData("10.0.0.1", "a00::1")]
    [InlineData("10.0.0.1", "::10.0.0.1")]
    public void IpPrefix_DifferentSubnet_DifferentHash(string first, string second)
    {
        Assert.NotEqual(A.IpPrefix(IPAddress.Parse(first)), A.IpPrefix(IPAddress.Parse(second)));
    }

    [Property]
    public bool IpPrefix_IPv4MappedIPv6_EqualsItsIPv4(uint raw)
    {
        var v4 = new IPAddress(BitConverter.GetBytes(raw));
        return A.IpPrefix(v4) == A.IpPrefix(v4.MapToIPv6()) && A.IpPrefix(v4) != 0;
    }

    [Property]
    public bool IpPrefix_IPv4_DependsOnlyOnTheFirst24Bits(byte a, byte b, byte c, byte d1, byte d2)
    {
        var first = new IPAddress(new[] { a, b, c, d1 });
        var second = new IPAddress(new[] { a, b, c, d2 });
        var otherSubnet = new IPAddress(new[] { a, b, (byte)(c + 1), d1 });
        return A.IpPrefix(first) == A.IpPrefix(second) && A.IpPrefix(first) != A.IpPrefix(otherSubnet);
    }

    [Fact]
    public void IpPrefix_DifferentKeys_DifferentHashes()
    {
        var address = IPAddress.Parse("198.51.100.1");
        Assert.NotEqual(A.IpPrefix(address), B.IpPrefix(address));
    }

    [Fact]
    public void IpPrefix_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => A.IpPrefix(null!));
    }
}
