using System.Runtime.CompilerServices;

namespace AntiDistill;

/// <summary>
/// The most frequent template fingerprints of an account, kept with the Space-Saving algorithm
/// (Metwally et al. 2005) in <see cref="Capacity"/> slots: any template with more than 1/Capacity of the
/// requests is guaranteed to be held, and its count is overestimated by at most the smallest count.
/// </summary>
internal struct TopTemplates
{
    /// <summary>Number of templates tracked.</summary>
    public const int Capacity = 4;

    private Keys _keys;
    private Counts _counts;

    /// <summary>Counts one occurrence of a template fingerprint (0 is ignored).</summary>
    public void Add(ulong fingerprint) => Add(fingerprint, 1);

    /// <summary>The count of the most frequent template.</summary>
    public readonly int TopCount
    {
        get
        {
            int top = 0;
            for (int i = 0; i < Capacity; i++)
            {
                top = Math.Max(top, _counts[i]);
            }

            return top;
        }
    }

    /// <summary>The most frequent template, or 0 when empty.</summary>
    public readonly ulong Top
    {
        get
        {
            int best = -1, top = 0;
            for (int i = 0; i < Capacity; i++)
            {
                if (_counts[i] > top)
                {
                    top = _counts[i];
                    best = i;
                }
            }

            return best < 0 ? 0 : _keys[best];
        }
    }

    /// <summary>Folds another summary in (counts of equal templates add up; the rest compete for the slots).</summary>
    public void MergeFrom(in TopTemplates other)
    {
        for (int i = 0; i < Capacity; i++)
        {
            if (other._counts[i] > 0)
            {
                Add(other._keys[i], other._counts[i]);
            }
        }
    }

    private void Add(ulong fingerprint, int count)
    {
        if (fingerprint == 0)
        {
            return;
        }

        int min = 0;
        for (int i = 0; i < Capacity; i++)
        {
            if (_keys[i] == fingerprint)
            {
                _counts[i] += count;
                return;
            }

            if (_counts[i] < _counts[min])
            {
                min = i;
            }
        }

        // Space-Saving: the newcomer takes the smallest slot and inherits its count as possible overestimate.
        _keys[min] = fingerprint;
        _counts[min] += count;
    }

    [InlineArray(Capacity)]
    private struct Keys
    {
        private ulong _element0;
    }

    [InlineArray(Capacity)]
    private struct Counts
    {
        private int _element0;
    }
}
