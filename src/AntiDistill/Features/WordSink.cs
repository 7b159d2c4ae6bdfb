using System.Numerics;
using System.Runtime.CompilerServices;

namespace AntiDistill;

/// <summary>
/// What the extractor does with each word the scanner finds: shingles into the sketches, the template
/// hash, lexicon votes and phrase matches. A <c>ref struct</c> on the extractor's stack.
/// </summary>
internal ref struct WordSink
{
    private const ulong TemplatePrime = 0x100000001B3UL;
    private const ulong MaskToken = 0x6A09E667F3BCC909UL;
    private const int RingSize = 8;

    private readonly PromptLexicon _lexicon;
    private Ring _ring;
    private Scores _scores;
    private ulong _w1, _w2;
    private bool _lastMasked;
    private int _numbers;

    public SimHashBuilder Sim;
    public ulong Template;
    public int Words, Shingles, CodeChars, Fences;
    public ElicitationFamilies Elicitation;

    public WordSink(PromptLexicon lexicon) => _lexicon = lexicon;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Word(scoped ReadOnlySpan<byte> normalized, bool masked, bool numeric, ref MinHashSignature minHash)
    {
        ulong h = WordHash.Of(normalized);
        Words++;
        if (Words >= 3)
        {
            AddShingle(WordHash.Mix(h ^ BitOperations.RotateLeft(_w1, 21) ^ BitOperations.RotateLeft(_w2, 42)), ref minHash);
        }

        _w2 = _w1;
        _w1 = h;
        _ring[Words & (RingSize - 1)] = h;

        if (masked | numeric)
        {
            _numbers += numeric ? 1 : 0;
            if (!_lastMasked)
            {
                Template = (Template ^ MaskToken) * TemplatePrime;
                _lastMasked = true;
            }
        }
        else
        {
            Template = BitOperations.RotateLeft(Template ^ h, 27) * TemplatePrime;
            _lastMasked = false;
        }

        if (_lexicon.MayContain(h))
        {
            Lookup(h);
        }
    }

    private void Lookup(ulong h)
    {
        uint entry = _lexicon.Lookup(h);
        if (entry == 0)
        {
            return;
        }

        // The entry stores capability + 1, so that 0 means "no keyword".
        uint capability = entry & 0xF;
        if (capability != 0)
        {
            _scores[(int)capability - 1] += (int)((entry >> 4) & 0xF);
        }

        uint phrases = entry >> 20;
        if (phrases != 0)
        {
            MatchPhrases((int)((entry >> 8) & 0xFFF), (int)phrases);
        }
    }

    private void MatchPhrases(int first, int count)
    {
        foreach (var phrase in _lexicon.PhrasesAt(first, count))
        {
            ulong[] words = phrase.Words;
            if (words.Length > Words)
            {
                continue;
            }

            bool match = true;
            for (int k = 1; k < words.Length && match; k++)
            {
                match = _ring[(Words - k) & (RingSize - 1)] == words[^(k + 1)];
            }

            if (match)
            {
                Elicitation |= phrase.Family;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AddShingle(ulong shingle, ref MinHashSignature minHash)
    {
        Shingles++;
        minHash.Add(shingle);
        Sim.Add(shingle);
    }

    /// <summary>Prompts of one or two words still get a sketch, from the words they have.</summary>
    public void Finish(ref MinHashSignature minHash)
    {
        if (Words == 1)
        {
            AddShingle(WordHash.Mix(_w1), ref minHash);
        }
        else if (Words == 2)
        {
            AddShingle(WordHash.Mix(_w1 ^ BitOperations.RotateLeft(_w2, 21)), ref minHash);
        }
    }

    public Capability DecideCapability(int bytes, int toolCount)
    {
        if (toolCount > 0)
        {
            _scores[(int)Capability.Agentic] += 4 + Math.Min(toolCount, 4);
        }

        if (Fences > 0 || (CodeChars >= 6 && CodeChars * 24 >= bytes))
        {
            _scores[(int)Capability.Coding] += 4;
        }

        if (_numbers >= 2)
        {
            _scores[(int)Capability.Math] += Math.Min(_numbers, 4);
        }

        if ((Elicitation & ElicitationFamilies.Grading) != 0)
        {
            _scores[(int)Capability.Grading] += 4;
        }

        // Keyword votes grow with length; a category must stand out relative to the prompt, not just add up.
        int best = 0, bestScore = 0;
        for (int c = 1; c < Scores.Count; c++)
        {
            if (_scores[c] > bestScore)
            {
                best = c;
                bestScore = _scores[c];
            }
        }

        int needed = Math.Max(3, Words / 40);
        return bestScore >= needed ? (Capability)best : Capability.ChitChat;
    }

    [InlineArray(RingSize)]
    private struct Ring
    {
        private ulong _element0;
    }

    /// <summary>Votes per capability, indexed by its value; <see cref="Capability.ChitChat"/> gets none and wins when no other stands out.</summary>
    [InlineArray(Count)]
    private struct Scores
    {
        public const int Count = 7;
        private int _element0;
    }
}
