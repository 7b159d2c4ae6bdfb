using System.Diagnostics.Metrics;
using AntiDistill.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AntiDistill.AspNetCore.Tests.Capture;

/// <summary>The request path's records: bodies copied into arrays the records keep, whichever thread hands them back.</summary>
public sealed class RequestCaptureTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly RequestCapture _capture;

    public RequestCaptureTests()
    {
        var metrics = new AntiDistillationMetrics(_services.GetRequiredService<IMeterFactory>());
        _capture = new RequestCapture(Options.Create(new RequestCaptureOptions { Directory = "unused" }), metrics, TimeProvider.System);
    }

    public void Dispose() => _services.Dispose();

    [Fact]
    public void SetBody_SmallerBodyAfterLarger_ReusesTheRecordsArray()
    {
        var record = new CaptureRecord();
        record.SetBody(new byte[3000]);
        var kept = record.Body;
        Assert.Equal(4096, kept!.Length);
        record.Clear();

        record.SetBody("{\"model\":\"m\"}"u8);

        Assert.Same(kept, record.Body);
        Assert.Equal("{\"model\":\"m\"}"u8.ToArray(), record.BodySpan.ToArray());
    }

    [Fact]
    public void SetBody_OverKeptLimit_RentedThenTheKeptArrayAgain()
    {
        var record = new CaptureRecord();
        record.SetBody(new byte[100]);
        var kept = record.Body;
        record.Clear();

        var large = Enumerable.Range(0, CaptureRecord.KeptBodyBytes + 1).Select(i => (byte)i).ToArray();
        record.SetBody(large);
        Assert.NotSame(kept, record.Body);
        Assert.Equal(large, record.BodySpan.ToArray());
        record.Clear();
        Assert.Null(record.Body);

        record.SetBody(new byte[10]);
        Assert.Same(kept, record.Body); // the large body did not replace what the record keeps
    }

    /// <summary>
    /// Under load the request path takes records on pool threads and the writer hands them back in batches on its own:
    /// with <c>ArrayPool.Shared</c>, the returns filled the writer thread's caches and the request side's ran dry, so
    /// nearly every captured request allocated a fresh array.
    /// </summary>
    [AllocationFact]
    public void Begin_RecordsReturnedInBatchesOnAnotherThread_NoAllocationOnTheRequestSide()
    {
        var body = new byte[1200];
        var caller = new ResolvedCaller { Account = new AccountId(42) };
        var taken = new CaptureRecord[200];
        void Batch()
        {
            for (int i = 0; i < taken.Length; i++)
            {
                taken[i] = _capture.Begin(At, body, "/v1/chat/completions", caller)!;
            }
        }

        void ReturnElsewhere()
        {
            var writer = new Thread(() =>
            {
                foreach (var record in taken)
                {
                    _capture.Return(record);
                }
            });
            writer.Start();
            writer.Join();
        }

        Batch(); // warm-up: the records and their arrays exist from here on
        ReturnElsewhere();

        long allocated = AllocationCounter.Least(() =>
        {
            Batch();
            ReturnElsewhere(); // the thread object allocates on this thread; measured alone below
        });
        long threadOnly = AllocationCounter.Least(() =>
        {
            var idle = new Thread(() => { });
            idle.Start();
            idle.Join();
        });

        Assert.True(allocated - threadOnly < 1024, $"{allocated - threadOnly} bytes for {taken.Length} records taken after the warm-up");
    }
}
