using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AntiDistill;

/// <summary>
/// The SimHash of the 64 MinHash bins, each (bin, value) pair mixed into one feature: the extractor's fixed cost
/// per prompt, so it has its own vectorized path.
/// </summary>
/// <remarks>
/// With AVX-512 (DQ for the 64-bit multiply), the 64 features are mixed eight at a time in four 512-bit registers,
/// and the majority vote is counted bit-sliced instead of with 64 counters: a carry-save tree adds the eight
/// registers into a 4-bit count per bit position and lane, then three bit-sliced additions fold the lanes
/// 8 -> 4 -> 2 -> 1 into a 7-bit count per bit position, and bit b of the SimHash is "count &gt; 32". About 120
/// vector and scalar operations instead of ~1,000 (64 scalar mixes and the byte-counter loop of
/// <see cref="SimHashBuilder.Of64"/>), which is where the fallback without AVX-512 goes. Both give the same bits.
/// </remarks>
internal static class SimHashOfBins
{
    /// <summary>The SimHash over <c>Mix((i &lt;&lt; 32) | bins[i])</c> for i in 0-63.</summary>
    public static ulong Compute(ReadOnlySpan<uint> bins)
    {
        if (bins.Length != MinHashSignature.Length)
        {
            throw new ArgumentException("Expected the 64 MinHash bins.", nameof(bins));
        }

        return Avx512DQ.IsSupported ? Vectorized(bins) : Scalar(bins);
    }

    /// <summary>The reference: 64 scalar mixes and <see cref="SimHashBuilder.Of64"/>.</summary>
    public static ulong Scalar(ReadOnlySpan<uint> bins)
    {
        Span<ulong> features = stackalloc ulong[MinHashSignature.Length];
        for (int i = 0; i < features.Length; i++)
        {
            features[i] = WordHash.Mix(((ulong)(uint)i << 32) | bins[i]);
        }

        return SimHashBuilder.Of64(features);
    }

    private static ulong Vectorized(ReadOnlySpan<uint> bins)
    {
        ref uint first = ref Unsafe.AsRef(in bins[0]);
        var lanes = Vector512.Create(0UL, 1, 2, 3, 4, 5, 6, 7) << 32;
        var f0 = Feature(ref first, 0, lanes);
        var f1 = Feature(ref first, 8, lanes);
        var f2 = Feature(ref first, 16, lanes);
        var f3 = Feature(ref first, 24, lanes);
        var f4 = Feature(ref first, 32, lanes);
        var f5 = Feature(ref first, 40, lanes);
        var f6 = Feature(ref first, 48, lanes);
        var f7 = Feature(ref first, 56, lanes);

        // Carry-save tree: eight 1-bit inputs per (lane, bit) into a 4-bit count c3 c2 c1 c0.
        FullAdd(f0, f1, f2, out var s1, out var k1);
        FullAdd(f3, f4, f5, out var s2, out var k2);
        FullAdd(f6, f7, s1, out var s3, out var k3);
        HalfAdd(s2, s3, out var c0, out var k4);
        FullAdd(k1, k2, k3, out var s5, out var w1);
        HalfAdd(s5, k4, out var c1, out var w2);
        HalfAdd(w1, w2, out var c2, out var c3);

        // Fold the lanes: 8 x 4-bit -> 4 x 5-bit -> 2 x 6-bit -> 1 x 7-bit count per bit position.
        Add4(c0.GetLower(), c1.GetLower(), c2.GetLower(), c3.GetLower(), c0.GetUpper(), c1.GetUpper(), c2.GetUpper(), c3.GetUpper(),
            out var d0, out var d1, out var d2, out var d3, out var d4);
        Add5(d0.GetLower(), d1.GetLower(), d2.GetLower(), d3.GetLower(), d4.GetLower(),
            d0.GetUpper(), d1.GetUpper(), d2.GetUpper(), d3.GetUpper(), d4.GetUpper(),
            out var e0, out var e1, out var e2, out var e3, out var e4, out var e5);

        // Last fold in scalar registers: element 0 plus element 1 of each plane, ripple-carry over 6 bits.
        HalfAdd(e0.GetElement(0), e0.GetElement(1), out ulong t0, out ulong carry);
        FullAdd(e1.GetElement(0), e1.GetElement(1), carry, out ulong t1, out carry);
        FullAdd(e2.GetElement(0), e2.GetElement(1), carry, out ulong t2, out carry);
        FullAdd(e3.GetElement(0), e3.GetElement(1), carry, out ulong t3, out carry);
        FullAdd(e4.GetElement(0), e4.GetElement(1), carry, out ulong t4, out carry);
        FullAdd(e5.GetElement(0), e5.GetElement(1), carry, out ulong t5, out ulong t6);

        // count > 32: 64 exactly (t6), or 32 plus anything (t5 and a lower bit).
        return t6 | (t5 & (t4 | t3 | t2 | t1 | t0));
    }

    /// <summary>Eight features: <c>Mix((i &lt;&lt; 32) | bins[i])</c> for i = offset .. offset + 7, as <see cref="WordHash.Mix"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Feature(ref uint bins, int offset, Vector512<ulong> lanes)
    {
        var x = Vector512.WidenLower(Vector256.LoadUnsafe(ref bins, (nuint)offset).ToVector512Unsafe())
            | lanes | Vector512.Create((ulong)offset << 32);
        x ^= x >>> 33;
        x *= Vector512.Create(0xff51afd7ed558ccdUL);
        x ^= x >>> 33;
        x *= Vector512.Create(0xc4ceb9fe1a85ec53UL);
        x ^= x >>> 33;
        return x;
    }

    /// <summary>Adds two bit-sliced 4-bit numbers (a3..a0 + b3..b0) into a 5-bit one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add4(Vector256<ulong> a0, Vector256<ulong> a1, Vector256<ulong> a2, Vector256<ulong> a3,
        Vector256<ulong> b0, Vector256<ulong> b1, Vector256<ulong> b2, Vector256<ulong> b3,
        out Vector256<ulong> s0, out Vector256<ulong> s1, out Vector256<ulong> s2, out Vector256<ulong> s3, out Vector256<ulong> s4)
    {
        s0 = a0 ^ b0;
        var carry = a0 & b0;
        FullAdd(a1, b1, carry, out s1, out carry);
        FullAdd(a2, b2, carry, out s2, out carry);
        FullAdd(a3, b3, carry, out s3, out s4);
    }

    /// <summary>Adds two bit-sliced 5-bit numbers into a 6-bit one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add5(Vector128<ulong> a0, Vector128<ulong> a1, Vector128<ulong> a2, Vector128<ulong> a3, Vector128<ulong> a4,
        Vector128<ulong> b0, Vector128<ulong> b1, Vector128<ulong> b2, Vector128<ulong> b3, Vector128<ulong> b4,
        out Vector128<ulong> s0, out Vector128<ulong> s1, out Vector128<ulong> s2, out Vector128<ulong> s3, out Vector128<ulong> s4, out Vector128<ulong> s5)
    {
        s0 = a0 ^ b0;
        var carry = a0 & b0;
        FullAdd(a1, b1, carry, out s1, out carry);
        FullAdd(a2, b2, carry, out s2, out carry);
        FullAdd(a3, b3, carry, out s3, out carry);
        FullAdd(a4, b4, carry, out s4, out s5);
    }

    // One adder per width: the vector types share no public generic operator interface to write them once.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FullAdd(Vector512<ulong> a, Vector512<ulong> b, Vector512<ulong> c, out Vector512<ulong> sum, out Vector512<ulong> carry)
    {
        var ab = a ^ b;
        sum = ab ^ c;
        carry = (a & b) | (ab & c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FullAdd(Vector256<ulong> a, Vector256<ulong> b, Vector256<ulong> c, out Vector256<ulong> sum, out Vector256<ulong> carry)
    {
        var ab = a ^ b;
        sum = ab ^ c;
        carry = (a & b) | (ab & c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FullAdd(Vector128<ulong> a, Vector128<ulong> b, Vector128<ulong> c, out Vector128<ulong> sum, out Vector128<ulong> carry)
    {
        var ab = a ^ b;
        sum = ab ^ c;
        carry = (a & b) | (ab & c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FullAdd(ulong a, ulong b, ulong c, out ulong sum, out ulong carry)
    {
        var ab = a ^ b;
        sum = ab ^ c;
        carry = (a & b) | (ab & c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void HalfAdd(Vector512<ulong> a, Vector512<ulong> b, out Vector512<ulong> sum, out Vector512<ulong> carry)
    {
        sum = a ^ b;
        carry = a & b;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void HalfAdd(ulong a, ulong b, out ulong sum, out ulong carry)
    {
        sum = a ^ b;
        carry = a & b;
    }
}
