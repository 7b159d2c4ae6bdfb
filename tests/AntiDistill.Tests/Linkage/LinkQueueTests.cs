using FsCheck;
using FsCheck.Xunit;

namespace AntiDistill.Tests.Linkage;

public class LinkQueueTests
{
    [Fact]
    public void TryEnqueue_PastCapacity_RefusedUntilOneIsTaken()
    {
        var queue = new LinkQueue<long>(1000);
        Assert.Equal(1024, queue.Capacity);

        for (long i = 0; i < 1024; i++)
        {
            Assert.True(queue.TryEnqueue(i));
        }

        Assert.False(queue.TryEnqueue(-1));
        Assert.True(queue.TryDequeue(out long first));
        Assert.Equal(0, first);
        Assert.True(queue.TryEnqueue(1024));
        Assert.False(queue.TryEnqueue(-1));
    }

    [Fact]
    public void Capacity_OneAsked_TwoSoThatFullAndFreeDiffer()
    {
        var queue = new LinkQueue<long>(1);

        Assert.Equal(2, queue.Capacity);
        Assert.True(queue.TryEnqueue(1));
        Assert.True(queue.TryEnqueue(2));
        Assert.False(queue.TryEnqueue(3));
    }

    [Fact]
    public void Count_EnqueuedAndTaken_WhatIsWaiting()
    {
        var queue = new LinkQueue<long>(8);
        for (long i = 0; i < 5; i++)
        {
            Assert.True(queue.TryEnqueue(i));
        }

        Assert.True(queue.TryDequeue(out _));
        Assert.True(queue.TryDequeue(out _));

        Assert.Equal(3, queue.Count);
    }

    [Fact]
    public void TryDequeue_Empty_False()
    {
        var queue = new LinkQueue<long>(16);

        Assert.False(queue.TryDequeue(out _));
        Assert.True(queue.TryEnqueue(7));
        Assert.True(queue.TryDequeue(out long item));
        Assert.Equal(7, item);
        Assert.False(queue.TryDequeue(out _));
    }

    /// <summary>
    /// Any single-threaded sequence of adds and takes behaves like a bounded FIFO queue, over many laps of the ring
    /// and across block boundaries (capacities from 2 to 4,096; blocks hold at most 1,024).
    /// </summary>
    [Property(MaxTest = 200)]
    public bool AnySequence_BehavesLikeABoundedFifo(PositiveInt capacityHint, bool[] adds)
    {
        var queue = new LinkQueue<long>(1 << (capacityHint.Get % 13));
        int capacity = queue.Capacity;
        var model = new Queue<long>();
        long next = 0;
        foreach (bool add in adds ?? [])
        {
            // Runs of one kind, so that the ring fills and empties instead of hovering near one slot.
            for (int run = 0; run < 1 + (capacity / 2); run++)
            {
                if (add)
                {
                    bool accepted = queue.TryEnqueue(next);
                    if (accepted != (model.Count < capacity))
                    {
                        return false;
                    }

                    if (accepted)
                    {
                        model.Enqueue(next);
                    }

                    next++;
                }
                else if (queue.TryDequeue(out long item) != model.TryDequeue(out long expected) || item != expected)
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// Writers on several threads and one reader draining at the same time: every accepted event comes out exactly
    /// once, each writer's events in the order it wrote them, and accepted plus refused is everything written. A stress
    /// test: on two cores a broken claim (a plain write instead of the compare-exchange) failed one run in three.
    /// </summary>
    [Fact]
    public async Task ConcurrentWriters_OneReader_EachAcceptedEventOnceAndInWriterOrder()
    {
        const int Writers = 4;
        const int PerWriter = 200_000;
        var queue = new LinkQueue<long>(256); // small: the writers outrun the reader, so it fills, refuses and wraps
        int accepted = 0, refused = 0, writing = Writers;
        var lastSeen = new long[Writers];
        Array.Fill(lastSeen, -1);
        int taken = 0; // the reader's, then (after it stopped) this thread's
        bool inOrder = true;

        var reader = Task.Factory.StartNew(() =>
        {
            while (Volatile.Read(ref writing) > 0)
            {
                while (queue.TryDequeue(out long item))
                {
                    int writer = (int)(item >> 32);
                    long sequence = item & 0xFFFF_FFFF;
                    inOrder &= sequence > lastSeen[writer];
                    lastSeen[writer] = sequence;
                    taken++;
                }
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        using var start = new Barrier(Writers);
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait(); // all at once, to make them race for the same positions
            for (long i = 0; i < PerWriter; i++)
            {
                if (queue.TryEnqueue(((long)w << 32) | i))
                {
                    Interlocked.Increment(ref accepted);
                }
                else
                {
                    Interlocked.Increment(ref refused);
                }
            }

            Interlocked.Decrement(ref writing);
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();

        await Task.WhenAll([.. writers, reader]).WaitAsync(TimeSpan.FromSeconds(20)); // a hang fails with a timeout
        while (queue.TryDequeue(out long rest))
        {
            int writer = (int)(rest >> 32);
            inOrder &= (rest & 0xFFFF_FFFF) > lastSeen[writer];
            lastSeen[writer] = rest & 0xFFFF_FFFF;
            taken++;
        }

        Assert.True(inOrder, "a writer's events came out of order (or twice)");
        Assert.Equal(Writers * PerWriter, accepted + refused);
        Assert.Equal(accepted, taken);
        Assert.True(accepted > 0);
    }
}
