using System.Numerics;
using System.Runtime.InteropServices;

namespace AntiDistill;

/// <summary>
/// The requests waiting for the linker: bounded, written by any number of request threads, read by one thread at a
/// time (the linker, under its lock). Lock-free: a writer claims a position with one compare-exchange and publishes
/// its slot with a sequence number (D. Vyukov's bounded queue); the reader checks that number. It replaces a
/// <c>BoundedChannel</c>, which took a monitor on both sides for each request: ~60 ns a request less in alternating
/// runs of the in-process middleware with linkage.
/// </summary>
/// <remarks>
/// Slots come in blocks of 1,024, allocated when the writers first reach them: an engine that sees a few requests
/// (a test, a small replay) allocates one block, a busy one the whole ring after its first lap (at the default
/// capacity, 65,536 slots of 160 bytes: 10 MB). From then on nothing is allocated.
/// </remarks>
/// <typeparam name="T">An unmanaged event (no references: a slot read after it is freed can only be overwritten, never leak).</typeparam>
internal sealed class LinkQueue<T>
    where T : unmanaged
{
    private readonly Block?[] _blocks;
    private readonly int _blockShift;
    private readonly long _blockMask;
    private readonly long _capacity;
    private PaddedPosition _tail;
    private long _head;

    /// <param name="capacity">Most events held; rounded up to a power of two, at least 2.</param>
    public LinkQueue(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = Math.Max(2, (long)BitOperations.RoundUpToPowerOf2((uint)capacity)); // one slot cannot tell full from free
        int blockSize = (int)Math.Min(_capacity, 1024);
        _blockShift = BitOperations.Log2((uint)blockSize);
        _blockMask = blockSize - 1;
        _blocks = new Block?[_capacity / blockSize];
    }

    /// <summary>Most events held.</summary>
    public int Capacity => (int)_capacity;

    /// <summary>
    /// Events claimed by writers and not yet taken by the reader, from any thread: two reads, no lock. A moment's
    /// snapshot (writers and the reader move on), clamped to [0, <see cref="Capacity"/>].
    /// </summary>
    public int Count => (int)Math.Clamp(Volatile.Read(ref _tail.Value) - Volatile.Read(ref _head), 0, _capacity);

    /// <summary>Adds an event; false when the queue is full (the reader has not freed the oldest slot yet). From any thread.</summary>
    public bool TryEnqueue(in T item)
    {
        long position = Volatile.Read(ref _tail.Value);
        while (true)
        {
            ref var slot = ref SlotFor(position);
            long lag = Volatile.Read(ref slot.Sequence) - position;
            if (lag == 0)
            {
                long seen = Interlocked.CompareExchange(ref _tail.Value, position + 1, position);
                if (seen == position)
                {
                    slot.Item = item;
                    Volatile.Write(ref slot.Sequence, position + 1); // published: the reader may take it now
                    return true;
                }

                position = seen; // another writer took this position
            }
            else if (lag < 0)
            {
                return false; // the slot still holds an event from the previous lap
            }
            else
            {
                position = Volatile.Read(ref _tail.Value); // fell behind other writers
            }
        }
    }

    /// <summary>Takes the oldest published event. One reader at a time (the caller serializes readers).</summary>
    public bool TryDequeue(out T item)
    {
        long position = _head;
        var block = Volatile.Read(ref _blocks[(position & (_capacity - 1)) >> _blockShift]);
        if (block is not null)
        {
            ref var slot = ref block.Slots[position & _blockMask];
            if (Volatile.Read(ref slot.Sequence) == position + 1)
            {
                item = slot.Item;
                Volatile.Write(ref slot.Sequence, position + _capacity); // free for the writer one lap ahead
                Volatile.Write(ref _head, position + 1); // Count reads it from other threads
                return true;
            }
        }

        item = default;
        return false;
    }

    private ref Slot SlotFor(long position)
    {
        int index = (int)((position & (_capacity - 1)) >> _blockShift);
        var block = Volatile.Read(ref _blocks[index]) ?? Allocate(index);
        return ref block.Slots[position & _blockMask];
    }

    /// <summary>First use of a block (first lap only: a block, once there, stays). Racing writers agree on one.</summary>
    private Block Allocate(int index)
    {
        var block = new Block((long)index << _blockShift, 1 << _blockShift);
        return Interlocked.CompareExchange(ref _blocks[index], block, null) ?? block;
    }

    private sealed class Block
    {
        public readonly Slot[] Slots;

        public Block(long first, int size)
        {
            Slots = new Slot[size];
            for (int i = 0; i < size; i++)
            {
                Slots[i].Sequence = first + i; // free for the writer of that position in the first lap
            }
        }
    }

    private struct Slot
    {
        public long Sequence;
        public T Item;
    }
}

/// <summary>A position on a cache line of its own (the queue's writers', away from its reader's and its block table).</summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct PaddedPosition
{
    [FieldOffset(64)]
    public long Value;
}
