using System.Numerics;
using System.Runtime.CompilerServices;

namespace AntiDistill;

/// <summary>
/// The SimHashes of an account's last <see cref="Capacity"/> prompts, for a PRADA-style check (Juuti et
/// al. 2019) of how each new prompt relates to the earlier ones: its Hamming distance to the nearest.
/// </summary>
/// <remarks>
/// PRADA tests the distribution of these minimum distances for normality over the whole history. State
/// here must be fixed-size and O(1) per request, so the account keeps a histogram of the distances
/// (see <see cref="AccountState"/>) and the risk model reads the share of prompts unrelated to any recent
/// one: people revisit and refine, sweeps move on.
/// </remarks>
internal struct RecentSimHashes
{
    /// <summary>Number of recent prompts compared against.</summary>
    public const int Capacity = 8;

    private Hashes _hashes;
    private int _count;

    /// <summary>Hamming distance from <paramref name="simHash"/> to the nearest recent one (64 when there is none), then remembers it.</summary>
    public int NearestThenAdd(ulong simHash)
    {
        int nearest = 64;
        int n = Math.Min(_count, Capacity);
        for (int i = 0; i < n; i++)
        {
            nearest = Math.Min(nearest, BitOperations.PopCount(_hashes[i] ^ simHash));
        }

        _hashes[(int)((uint)_count % Capacity)] = simHash;
        _count = _count == int.MaxValue ? Capacity : _count + 1;
        return nearest;
    }

    [InlineArray(Capacity)]
    private struct Hashes
    {
        private ulong _element0;
    }
}
