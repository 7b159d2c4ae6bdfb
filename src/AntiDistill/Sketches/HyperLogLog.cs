using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace AntiDistill;

/// <summary>
/// A HyperLogLog (Flajolet et al. 2007) with 2^8 one-byte registers: counts distinct 64-bit hashes in
/// 256 bytes with a relative standard error of 1.04/√256 ≈ 6.5%. Mergeable: the union of two sets is the
/// register-wise maximum, so accounts roll up into clusters and nodes into one view.
/// </summary>
/// <remarks>
/// Keeps the harmonic sum and the count of zero registers up to date on each change (registers change
/// rarely once warm), so <see cref="Estimate"/> is O(1) on the request path.
/// </remarks>
internal struct HyperLogLog
{
    /// <summary>log2 of the number of registers.</summary>
    public const int Precision = 8;

    /// <summary>Number of registers.</summary>
    public const int RegisterCount = 1 << Precision;

    /// <summary>The relative standard error of an estimate, 1.04/√m.</summary>
    public static readonly double StandardError = 1.04 / Math.Sqrt(RegisterCount);

    private const double Alpha = 0.7213 / (1 + (1.079 / RegisterCount));

    private Registers _registers;
    private double _sum;
    private int _zeros;
    private bool _initialized;

    /// <summary>Adds a (well-mixed) 64-bit hash.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(ulong hash)
    {
        EnsureInitialized();
        int index = (int)(hash >> (64 - Precision));
        // Rank of the first set bit in the remaining 56 bits, 1-based; the guard bit caps it at 57.
        byte rank = (byte)(BitOperations.LeadingZeroCount((hash << Precision) | (1UL << (Precision - 1))) + 1);
        byte current = _registers[index];
        if (rank > current)
        {
            SetRegister(index, current, rank);
        }
    }

    /// <summary>The estimated number of distinct hashes added.</summary>
    public readonly double Estimate()
    {
        if (!_initialized)
        {
            return 0;
        }

        double raw = Alpha * RegisterCount * RegisterCount / _sum;
        if (raw <= 2.5 * RegisterCount && _zeros > 0)
        {
            // Linear counting is far more accurate while many registers are still empty.
            return RegisterCount * Math.Log(RegisterCount / (double)_zeros);
        }

        return raw;
    }

    /// <summary>Folds another sketch in: afterwards this one estimates the size of the union.</summary>
    public void MergeFrom(in HyperLogLog other)
    {
        if (!other._initialized)
        {
            return;
        }

        EnsureInitialized();
        for (int i = 0; i < RegisterCount; i++)
        {
            byte current = _registers[i];
            byte incoming = other._registers[i];
            if (incoming > current)
            {
                SetRegister(i, current, incoming);
            }
        }
    }

    /// <summary>Empties the sketch.</summary>
    public void Clear() => this = default;

    /// <summary>The raw registers, for exchanging the sketch (e.g. with Redis).</summary>
    [UnscopedRef]
    public readonly ReadOnlySpan<byte> AsSpan() => _registers;

    private void SetRegister(int index, byte from, byte to)
    {
        _registers[index] = to;
        _sum += Pow2Neg(to) - Pow2Neg(from);
        if (from == 0)
        {
            _zeros--;
        }
    }

    private static double Pow2Neg(byte rank) => BitConverter.Int64BitsToDouble((long)(1023 - rank) << 52);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void EnsureInitialized()
    {
        if (!_initialized)
        {
            // default(HyperLogLog) must be a valid empty sketch, so the sum of 2^-0 over all registers is set lazily.
            _sum = RegisterCount;
            _zeros = RegisterCount;
            _initialized = true;
        }
    }

    [InlineArray(RegisterCount)]
    private struct Registers
    {
        private byte _element0;
    }
}
