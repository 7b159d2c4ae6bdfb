using System.Runtime.CompilerServices;

namespace AntiDistill;

/// <summary>
/// Builds a 64-bit SimHash (Charikar 2002): bit b is set when more than half of the shingle hashes
/// have bit b set. Near-duplicate texts get hashes at a small Hamming distance.
/// </summary>
/// <remarks>
/// The textbook version keeps 64 counters and touches each of them for every shingle. This one keeps
/// the counters bit-sliced: plane k holds bit k of all 64 counters, so adding a hash is a ripple-carry
/// add of one 64-bit word (about two iterations on average), and the final majority vote is a bit-sliced
/// comparison against n/2 over the 16 planes. See ExtractionBenchmarks for the cost per shingle.
/// </remarks>
internal struct SimHashBuilder
{
    /// <summary>16 planes count up to 65,535 shingles; later ones are ignored (the majority is settled by then).</summary>
    public const int MaxShingles = (1 << Planes.Count) - 1;

    private Planes _planes;
    private int _count;

    public readonly int Count => _count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(ulong hash)
    {
        if (_count == MaxShingles)
        {
            return;
        }

        _count++;
        ulong carry = hash;
        for (int k = 0; k < Planes.Count && carry != 0; k++)
        {
            ulong plane = _planes[k];
            _planes[k] = plane ^ carry;
            carry &= plane;
        }
    }

    /// <summary>The SimHash: bit b set where counter b exceeds half the count. 0 for no shingles.</summary>
    public readonly ulong ToHash()
    {
        uint threshold = (uint)_count / 2;
        ulong greater = 0, equal = ulong.MaxValue;
        for (int k = Planes.Count - 1; k >= 0; k--)
        {
            ulong plane = _planes[k];
            if (((threshold >> k) & 1) == 0)
            {
                greater |= equal & plane;
                equal &= ~plane;
            }
            else
            {
                equal &= plane;
            }
        }

        return greater;
    }

    [InlineArray(Count)]
    private struct Planes
    {
        public const int Count = 16;
        private ulong _element0;
    }
}
