using System.Net;
using System.Text;
using AntiDistill.Cli.Indicators;

namespace AntiDistill.Cli.Tests.Indicators;

public sealed class ClearValuesTests
{
    [Fact]
    public void Record_PastCapacity_KeepsTheFirstValuesOnly()
    {
        var clear = new ClearValues(capacity: 3);
        for (ulong hash = 1; hash <= 5; hash++)
        {
            clear.Record(hash, Encoding.UTF8.GetBytes($"value {hash}"));
        }

        Assert.Equal(3, clear.Count);
        Assert.Equal("value 3", clear.Get(3));
        Assert.Null(clear.Get(4));
    }

    [Fact]
    public void Record_SameHashTwice_CountsOnceAndKeepsTheFirst()
    {
        var clear = new ClearValues(capacity: 2);
        clear.Record(7, "first"u8);
        clear.Record(7, "second"u8);
        clear.RecordPrefix(8, IPAddress.Parse("203.0.113.77"));

        Assert.Equal(2, clear.Count);
        Assert.Equal("first", clear.Get(7));
        Assert.Equal("203.0.113.0/24", clear.Get(8));
    }

    [Fact]
    public void Record_HashZero_IsNotRecorded()
    {
        var clear = new ClearValues();
        clear.Record(0, "nothing"u8);
        clear.RecordPrefix(0, IPAddress.Parse("2001:db8::1"));

        Assert.Equal(0, clear.Count);
    }

    [Fact]
    public void Record_ManyThreadsRacing_CountMatchesTheMapAndStaysNearTheBound()
    {
        // The parsing threads record concurrently; the count is the map's own, and the bound holds up to one overshoot
        // per racing thread (ClearValues' comment).
        const int threads = 4, capacity = 1_000;
        var clear = new ClearValues(capacity);
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            for (ulong i = 1; i <= 2_000; i++)
            {
                ulong hash = (i * 2_654_435_761UL) + (ulong)(t % 2); // two threads share each hash
                clear.Record(hash, "v"u8);
            }
        });

        int present = 0;
        for (ulong i = 1; i <= 2_000; i++)
        {
            for (ulong t = 0; t < 2; t++)
            {
                present += clear.Get((i * 2_654_435_761UL) + t) is null ? 0 : 1;
            }
        }

        Assert.Equal(present, clear.Count);
        Assert.InRange(clear.Count, capacity, capacity + threads);
    }

    [Fact]
    public void RecordPrefix_Ipv6_RecordsTheSlash48()
    {
        var clear = new ClearValues();
        clear.RecordPrefix(9, IPAddress.Parse("2001:db8:1234:5678::1"));

        Assert.Equal("2001:db8:1234::/48", clear.Get(9));
    }
}
