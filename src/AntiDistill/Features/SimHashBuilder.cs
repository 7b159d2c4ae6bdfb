using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AntiDistill;

/// <summary>
/// Builds a 64-bit SimHash (Charikar 2002): bit b is set when more than half of the shingle hashes
/// have bit b set. Near-duplicate texts get hashes at a small Hamming distance.
/// </summary>
/// <remarks>
/// The textbook version keeps 64 counters and touches each of them for every shingle. Here, with AVX2,
/// the 64 counters are bytes in two 256-bit registers: one shuffle spreads each bit of the hash to its
/// byte, a compare turns it into -1, a subtract counts it (about nine instructions per shingle).
/// Without AVX2 the counters are bit-sliced (plane k holds bit k of all 64), so adding a hash is a
/// ripple-carry add of one 64-bit word. The extractor feeds it the 64 MinHash bins, under 255, so the
/// majority is read straight from the 8-bit counters; larger inputs fold them into 16-bit counters every
/// 255 hashes, keeping the cost per hash flat.
/// </remarks>
internal struct SimHashBuilder
{
    /// <summary>Shingles beyond this are ignored: the majority is settled long before.</summary>
    public const int MaxShingles = ushort.MaxValue;

    private const int FlushEvery = byte.MaxValue;

    private Vector256<byte> _low, _high;
    private Planes _planes;
    private Counters _counters;
    private int _pending;
    private int _count;
    private bool _scalar;

    public readonly int Count => _count;

    /// <summary>A builder that uses the portable bit-sliced counters even where AVX2 is available (to test that path).</summary>
    public static SimHashBuilder CreateScalar() => new() { _scalar = true };

    private readonly bool Vectorized => Avx2.IsSupported && !_scalar;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(ulong hash)
    {
        if (_count == MaxShingles)
        {
            return;
        }

        _count++;
        if (Vectorized)
        {
            // In-lane byte shuffle of the broadcast hash: byte lane i of the 64 gets hash byte i / 8.
            var bytes = Vector256.Create(hash).AsByte();
            var bits = Vector256.Create(0x8040201008040201UL).AsByte();
            var low = Avx2.Shuffle(bytes, Vector256.Create((byte)0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3));
            var high = Avx2.Shuffle(bytes, Vector256.Create((byte)4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7, 7, 7));
            _low -= Vector256.Equals(low & bits, bits);
            _high -= Vector256.Equals(high & bits, bits);
        }
        else
        {
            ulong carry = hash;
            for (int k = 0; carry != 0; k++)
            {
                ulong plane = _planes[k];
                _planes[k] = plane ^ carry;
                carry &= plane;
            }
        }

        if (++_pending == FlushEvery)
        {
            Flush();
        }
    }

    /// <summary>
    /// The SimHash of exactly 64 hashes (the extractor's MinHash bins), as <see cref="ToHash"/> would give it,
    /// with the byte counters held in registers rather than in this struct (which the JIT keeps in memory):
    /// the extractor's SimHash step went from about 10% to about 5% of a 1 KiB extraction (perf; ~90 ns saved).
    /// </summary>
    /// <remarks>
    /// Each hash is broadcast to all four 64-bit lanes; lane j tests bit j (j + 4 in the second vector) of
    /// every byte, so counter byte 8j + k counts hash bit 8k + j. The majority mask therefore comes out as
    /// an 8x8 bit matrix transposed, and three delta swaps turn it back.
    /// </remarks>
    public static ulong Of64(ReadOnlySpan<ulong> hashes)
    {
        if (hashes.Length != 64 || !Vector256.IsHardwareAccelerated)
        {
            var builder = default(SimHashBuilder);
            foreach (ulong h in hashes)
            {
                builder.Add(h);
            }

            return builder.ToHash();
        }

        var low = Vector256<byte>.Zero;
        var high = Vector256<byte>.Zero;
        var lowBits = Vector256.Create(0x0101010101010101UL, 0x0202020202020202UL, 0x0404040404040404UL, 0x0808080808080808UL).AsByte();
        var highBits = Vector256.Create(0x1010101010101010UL, 0x2020202020202020UL, 0x4040404040404040UL, 0x8080808080808080UL).AsByte();
        foreach (ulong h in hashes)
        {
            var bytes = Vector256.Create(h).AsByte();
            low -= Vector256.Equals(bytes & lowBits, lowBits);
            high -= Vector256.Equals(bytes & highBits, highBits);
        }

        var half = Vector256.Create((byte)32);
        ulong m = Vector256.GreaterThan(low, half).ExtractMostSignificantBits()
            | ((ulong)Vector256.GreaterThan(high, half).ExtractMostSignificantBits() << 32);

        // Transpose the 8x8 bit matrix (Hacker's Delight 7-3): bit k of byte j moves to bit j of byte k.
        ulong t = (m ^ (m >> 7)) & 0x00AA00AA00AA00AAUL;
        m ^= t ^ (t << 7);
        t = (m ^ (m >> 14)) & 0x0000CCCC0000CCCCUL;
        m ^= t ^ (t << 14);
        t = (m ^ (m >> 28)) & 0x00000000F0F0F0F0UL;
        return m ^ t ^ (t << 28);
    }

    /// <summary>The SimHash: bit b set where counter b exceeds half the count. 0 for no shingles.</summary>
    public readonly ulong ToHash()
    {
        if (_count == _pending)
        {
            // Never flushed (fewer than 255 hashes): every count is still in the 8-bit counters.
            return MajorityOfPending();
        }

        var copy = this;
        copy.Flush();
        int half = _count / 2;
        ulong result = 0;
        for (int b = 0; b < 64; b++)
        {
            if (copy._counters[b] > half)
            {
                result |= 1UL << b;
            }
        }

        return result;
    }

    private readonly ulong MajorityOfPending()
    {
        uint half = (uint)_count / 2;
        if (Vectorized)
        {
            var threshold = Vector256.Create((byte)half);
            return Vector256.GreaterThan(_low, threshold).ExtractMostSignificantBits()
                | ((ulong)Vector256.GreaterThan(_high, threshold).ExtractMostSignificantBits() << 32);
        }

        // Bit-sliced comparison of all 64 counters against n/2 at once, from the top plane down.
        ulong greater = 0, equal = ulong.MaxValue;
        for (int k = Planes.Count - 1; k >= 0; k--)
        {
            ulong plane = _planes[k];
            if (((half >> k) & 1) == 0)
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

    private void Flush()
    {
        if (_pending == 0)
        {
            return;
        }

        if (Vectorized)
        {
            for (int b = 0; b < 32; b++)
            {
                _counters[b] += _low.GetElement(b);
                _counters[b + 32] += _high.GetElement(b);
            }

            _low = _high = default;
        }
        else
        {
            for (int b = 0; b < 64; b++)
            {
                int value = 0;
                for (int k = 0; k < Planes.Count; k++)
                {
                    value |= (int)((_planes[k] >> b) & 1) << k;
                }

                _counters[b] += (ushort)value;
            }

            _planes = default;
        }

        _pending = 0;
    }

    [InlineArray(Count)]
    private struct Planes
    {
        public const int Count = 8;
        private ulong _element0;
    }

    [InlineArray(64)]
    private struct Counters
    {
        private ushort _element0;
    }
}
