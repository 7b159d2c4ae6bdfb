using System.Globalization;
using System.Text;
using AntiDistill.Cli.Analyze;

namespace AntiDistill.Cli.Tests.Analyze;

/// <remarks>Alone in its collection: the memory test reads the whole heap, which other tests running in parallel would fill.</remarks>
[Collection(nameof(AccountTableTests))]
[CollectionDefinition(nameof(AccountTableTests), DisableParallelization = true)]
public class AccountTableTests
{
    [Fact]
    public void Resolve_100kDistinctAccounts_AtMost160BytesEach()
    {
        const int accounts = 100_000;
        var names = new byte[accounts][];
        for (int i = 0; i < accounts; i++)
        {
            names[i] = Encoding.UTF8.GetBytes("acct_" + ((ulong)i * 0x9E3779B97F4A7C15UL).ToString("x12", CultureInfo.InvariantCulture)[..12]);
        }

        long before = GC.GetTotalMemory(forceFullCollection: true);
        var table = new AccountTable();
        for (int i = 0; i < accounts; i++)
        {
            table.Resolve(new AccountId(((ulong)i + 1) * 0x9E3779B97F4A7C15UL), names[i]);
        }

        long perAccount = (GC.GetTotalMemory(forceFullCollection: true) - before) / accounts;
        GC.KeepAlive(table);

        // 64-byte row, 17-character name as UTF-16 (34 bytes), index slots; a string and a Dictionary entry cost ~230.
        Assert.InRange(perAccount, 64, 160);
    }

    [Fact]
    public void Resolve_SameIdTwice_OneRowNameKept()
    {
        var table = new AccountTable();
        var ids = Enumerable.Range(1, 5000).Select(i => new AccountId((ulong)i << 20)).ToArray(); // equal low bits: every probe collides

        foreach (var id in ids)
        {
            Assert.Equal((int)(id.Value >> 20) - 1, table.Resolve(id, Encoding.UTF8.GetBytes("n" + id.Value.ToString(CultureInfo.InvariantCulture))));
        }

        Assert.Equal(1, table.Resolve(ids[1], "ignored"u8));
        Assert.Equal(ids.Length, table.Count);
        Assert.True(table.TryFind(ids[4321], out int row));
        Assert.Equal("n" + ids[4321].Value.ToString(CultureInfo.InvariantCulture), table.Name(row));
        Assert.False(table.TryFind(new AccountId(7), out _));
    }

    [Fact]
    public void Resolve_NonAsciiAndLongNames_RoundTrip()
    {
        var table = new AccountTable();
        string big = new('é', 700_000); // more characters than one block of the name store
        string[] names = ["😀acct", big, "中文", "x"];

        for (int i = 0; i < names.Length; i++)
        {
            table.Resolve(new AccountId((ulong)i + 1), Encoding.UTF8.GetBytes(names[i]));
        }

        Assert.Equal(names, Enumerable.Range(0, names.Length).Select(table.Name));
    }
}
