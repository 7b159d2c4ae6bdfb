using System.Numerics;
using System.Runtime.CompilerServices;

namespace AntiDistill;

/// <summary>
/// The second half of feature extraction: the scanner hands over word hashes in chunks, and this walks
/// them in a tight loop to build shingles (into the MinHash), the template hash, lexicon votes and
/// phrase matches. Splitting scan and analysis keeps both loops small, with their state in registers
/// rather than in a struct behind a reference: about a third faster than doing everything per word
/// inside the scan (ExtractionBenchmarks).
/// </summary>
internal ref struct WordAnalysis
{
    /// <summary>Words per chunk handed over by the scanner.</summary>
    public const int ChunkWords = 256;

    /// <summary>Hashes kept from the previous chunk for shingles and phrases that span chunks.</summary>
    public const int Context = PromptLexicon.MaxPhraseWords;

    /// <summary>Flag: the word is inside quotes, code or a long list.</summary>
    public const byte Masked = 1;

    /// <summary>Flag: the word is a number.</summary>
    public const byte Numeric = 2;

    /// <summary>Words in a prompt frame (its opening or its closing); prompts need twice this to have frames.</summary>
    public const int FrameWords = 6;

    private const ulong MaskToken = 0x6A09E667F3BCC909UL;

    private readonly PromptLexicon _lexicon;
    private Scores _scores;
    private bool _lastMasked;
    private int _numbers;

    public ulong Template;
    public ulong PrefixFrame;
    public int Words, Shingles, CodeChars, Fences;
    public ElicitationFamilies Elicitation;

    public WordAnalysis(PromptLexicon lexicon) => _lexicon = lexicon;

    /// <summary>
    /// Analyzes <paramref name="count"/> words at <c>hashes[Context..]</c> (the <see cref="Context"/> before
    /// them are the previous chunk's last words, or zeros), then moves the last words to the front for the next chunk.
    /// </summary>
    public void Process(scoped Span<ulong> hashes, scoped ReadOnlySpan<byte> flags, int count, ref MinHashSignature minHash)
    {
        ulong template = Template;
        bool lastMasked = _lastMasked;
        int words = Words, numbers = _numbers;
        ReadOnlySpan<ulong> filter = _lexicon.Filter;

        // Loop shapes the JIT can prove in range (window[j - 2] with j >= Context), so the hot loop has no bounds checks.
        Span<ulong> window = hashes[..(Context + count)];
        ReadOnlySpan<byte> wordFlags = flags[..count];
        for (int j = Context; j < window.Length; j++)
        {
            ulong h = window[j];
            words++;
            if (words >= 3)
            {
                // Word hashes are already uniform 64-bit values, so rotating and xoring three of them gives a
                // uniform shingle hash without another finalizer (two multiplies a word saved; ExtractionBenchmarks).
                minHash.Add(h ^ BitOperations.RotateLeft(window[j - 1], 21) ^ BitOperations.RotateLeft(window[j - 2], 42));
            }

            byte f = wordFlags[j - Context];
            if (f != 0)
            {
                numbers += f >> 1;
                if (!lastMasked)
                {
                    template = BitOperations.RotateLeft(template, 7) ^ MaskToken;
                    lastMasked = true;
                }
            }
            else
            {
                // Rotate-xor keeps word order and needs no multiply on the loop-carried chain; the extractor mixes the result once.
                template = BitOperations.RotateLeft(template, 7) ^ h;
                lastMasked = false;
            }

            if ((filter[(int)(h >> 56)] & (1UL << (int)(h >> 50))) != 0)
            {
                Lookup(window, j, words);
            }

            if (words == FrameWords)
            {
                PrefixFrame = Frame(window[(j - FrameWords + 1)..(j + 1)]);
            }
        }

        Shingles += Math.Max(0, words - 2) - Math.Max(0, Words - 2);
        Template = template;
        _lastMasked = lastMasked;
        Words = words;
        _numbers = numbers;
        hashes.Slice(count, Context).CopyTo(hashes);
    }

    private void Lookup(scoped ReadOnlySpan<ulong> hashes, int j, int words)
    {
        uint entry = _lexicon.Lookup(hashes[j]);
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
        if (phrases == 0)
        {
            return;
        }

        foreach (ref readonly var phrase in _lexicon.PhrasesAt((int)((entry >> 8) & 0xFFF), (int)phrases))
        {
            ulong[] phraseWords = phrase.Words;
            if ((phrase.Previous != 0 && phrase.Previous != hashes[j - 1]) || phraseWords.Length > words)
            {
                continue;
            }

            bool match = true;
            for (int k = 2; k < phraseWords.Length && match; k++)
            {
                match = hashes[j - k] == phraseWords[^(k + 1)];
            }

            if (match)
            {
                Elicitation |= phrase.Family;
            }
        }
    }

    /// <summary>The closing words of the prompt, once the last chunk is processed (0 for prompts too short to have frames).</summary>
    public readonly ulong SuffixFrame(scoped ReadOnlySpan<ulong> hashes) => Words < 2 * FrameWords ? 0 : Frame(hashes[(Context - FrameWords)..Context]);

    /// <summary>The opening words of the prompt (0 for prompts too short to have frames).</summary>
    public readonly ulong OpeningFrame => Words < 2 * FrameWords ? 0 : PrefixFrame;

    private static ulong Frame(scoped ReadOnlySpan<ulong> words)
    {
        ulong frame = 0x51_7C_C1_B7_27_22_0A_95UL;
        foreach (ulong w in words)
        {
            frame = WordHash.Mix(frame ^ w);
        }

        return frame | 1;
    }

    /// <summary>Prompts of one or two words still get a sketch, from the words they have (the last chunk's context).</summary>
    public void Finish(scoped ReadOnlySpan<ulong> hashes, ref MinHashSignature minHash)
    {
        ulong last = hashes[Context - 1], before = hashes[Context - 2];
        if (Words == 1)
        {
            minHash.Add(WordHash.Mix(last));
            Shingles = 1;
        }
        else if (Words == 2)
        {
            minHash.Add(WordHash.Mix(last ^ BitOperations.RotateLeft(before, 21)));
            Shingles = 1;
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

    /// <summary>Votes per capability, indexed by its value; <see cref="Capability.ChitChat"/> gets none and wins when no other stands out.</summary>
    [InlineArray(Count)]
    private struct Scores
    {
        public const int Count = 7;
        private int _element0;
    }
}
