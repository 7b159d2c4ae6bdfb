using System.Runtime.CompilerServices;

namespace AntiDistill;

/// <summary>
/// A 16-bin MinHash of everything an account has sent: each request's 64-bin signature folded 4:1 and
/// merged by minimum, so the profile is the signature of the union of the account's prompts. Cut into
/// <see cref="ProfileBands.Count"/> bands of 4 rows for LSH: accounts whose prompt sets overlap collide
/// in some band with high probability, and the linker finds them by band key without comparing pairs.
/// </summary>
[InlineArray(Length)]
internal struct ContentProfile
{
    public const int Length = 16;
    private const int RowsPerBand = Length / ProfileBands.Count;

    // Stored inverted (~minimum), so that default (all zeros) is the empty profile and merging is a maximum.
    private uint _element0;

    public void Add(in MinHashSignature signature)
    {
        ReadOnlySpan<uint> bins = signature;
        for (int i = 0; i < Length; i++)
        {
            uint folded = Math.Min(Math.Min(bins[i], bins[i + 16]), Math.Min(bins[i + 32], bins[i + 48]));
            this[i] = Math.Max(this[i], ~folded);
        }
    }

    /// <summary>Folds another profile in: afterwards this is the profile of the union of both prompt sets.</summary>
    public void MergeFrom(in ContentProfile other)
    {
        for (int i = 0; i < Length; i++)
        {
            this[i] = Math.Max(this[i], other[i]);
        }
    }

    public readonly ProfileBands Bands()
    {
        var bands = default(ProfileBands);
        for (int b = 0; b < ProfileBands.Count; b++)
        {
            ulong key = (ulong)(b + 1) * 0x9E3779B97F4A7C15UL;
            bool empty = true;
            for (int r = 0; r < RowsPerBand; r++)
            {
                uint row = this[(b * RowsPerBand) + r];
                empty &= row == 0;
                key = WordHash.Mix(key ^ row);
            }

            bands[b] = empty ? 0 : key | 1;
        }

        return bands;
    }
}

/// <summary>The LSH band keys of a <see cref="ContentProfile"/>.</summary>
[InlineArray(Count)]
internal struct ProfileBands
{
    public const int Count = 4;
    private ulong _element0;
}
