using System.IO.Hashing;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace AntiDistill;

/// <summary>
/// Computes <see cref="PromptFeatures"/> from a prompt's UTF-8 bytes in one pass: no strings, no
/// allocations, no decoding (invalid UTF-8 is just bytes), linear in the prompt's length.
/// </summary>
/// <remarks>
/// Words are runs of ASCII letters and digits and of non-ASCII bytes, folded to ASCII lower case and
/// hashed with XxHash3. Consecutive words form 3-shingles (fewer for prompts of one or two words),
/// which feed the MinHash and the SimHash. The same words, looked up in a <see cref="PromptLexicon"/>,
/// vote for a capability and complete elicitation phrases.
/// </remarks>
public sealed class PromptFeatureExtractor
{
    private const ulong TemplatePrime = 0x100000001B3UL;
    private const ulong MaskToken = 0x6A09E667F3BCC909UL;

    private readonly PromptLexicon _lexicon;

    /// <summary>Creates an extractor over the given lexicon.</summary>
    public PromptFeatureExtractor(PromptLexicon lexicon)
    {
        ArgumentNullException.ThrowIfNull(lexicon);
        _lexicon = lexicon;
    }

    /// <summary>An extractor over <see cref="PromptLexicon.Default"/>.</summary>
    public static PromptFeatureExtractor Default { get; } = new(PromptLexicon.Default);

    /// <summary>Extracts the features of one prompt. Deterministic: the same bytes give the same features.</summary>
    /// <param name="prompt">The prompt as UTF-8 (invalid sequences are tolerated).</param>
    /// <param name="systemPrompt">The system prompt, or empty.</param>
    /// <param name="toolCount">Number of tools the request declares; tools vote for <see cref="Capability.Agentic"/>.</param>
    /// <param name="features">The result.</param>
    public void Extract(ReadOnlySpan<byte> prompt, ReadOnlySpan<byte> systemPrompt, int toolCount, out PromptFeatures features)
    {
        features = default;
        ((Span<uint>)features.MinHashBins).Fill(MinHashSignature.Empty);
        var scan = new Scan(_lexicon);
        scan.Run(prompt, ref features.MinHashBins);
        scan.Finish(ref features.MinHashBins);

        features.MinHashBins.Densify();
        features.SimHashValue = scan.Sim.ToHash();
        features.Template = WordHash.Mix(scan.Template ^ (ulong)scan.Words);
        features.SystemPrompt = systemPrompt.IsEmpty ? 0 : XxHash3.HashToUInt64(systemPrompt) | 1;
        features.Families = scan.Elicitation;
        features.ByteCount = prompt.Length;
        features.WordCount = scan.Words;
        features.ShingleCount = scan.Shingles;
        features.Category = scan.DecideCapability(prompt.Length, toolCount);
    }

    /// <summary>The scanner's state, on the stack. Fields rather than locals so the per-word step can be a method.</summary>
    private ref struct Scan
    {
        private const int RingSize = 8;
        private readonly PromptLexicon _lexicon;
        private Ring _ring;
        private Scores _scores;
        private ulong _w1, _w2;
        private bool _lastMasked;
        private int _codeChars, _numbers, _fences;

        public SimHashBuilder Sim;
        public ulong Template;
        public int Words, Shingles;
        public ElicitationFamilies Elicitation;

        public Scan(PromptLexicon lexicon) => _lexicon = lexicon;

        public void Run(ReadOnlySpan<byte> text, ref MinHashSignature minHash)
        {
            ReadOnlySpan<byte> classes = WordHash.Classes;
            Span<byte> word = stackalloc byte[WordHash.MaxWordBytes];
            int length = 0;
            bool digits = true;
            bool inQuote = false, inCode = false, inInline = false, lineStart = true;
            int listRun = 0;

            for (int i = 0; i < text.Length; i++)
            {
                byte b = text[i];
                byte cls = classes[b];
                if (cls != WordHash.Separator)
                {
                    if (length < WordHash.MaxWordBytes)
                    {
                        word[length] = cls == WordHash.Upper ? (byte)(b | 0x20) : b;
                    }

                    length++;
                    digits &= cls == WordHash.Digit;
                    if (lineStart)
                    {
                        // A line that starts with a word is not a list item ("1." is caught below, on the '.').
                        lineStart = false;
                        if (!digits)
                        {
                            listRun = 0;
                        }
                    }

                    continue;
                }

                if (length > 0)
                {
                    bool masked = inQuote | inCode | inInline | listRun > 3;
                    Word(word[..Math.Min(length, WordHash.MaxWordBytes)], masked, digits, ref minHash);
                    length = 0;
                    digits = true;
                }

                switch (b)
                {
                    case (byte)'"':
                        inQuote = !inQuote;
                        break;
                    case (byte)'`':
                        if (i + 2 < text.Length && text[i + 1] == '`' && text[i + 2] == '`')
                        {
                            inCode = !inCode;
                            _fences++;
                            i += 2;
                        }
                        else if (!inCode)
                        {
                            inInline = !inInline;
                        }

                        break;
                    case (byte)'\n':
                        if (!lineStart)
                        {
                            lineStart = true;
                        }
                        else
                        {
                            listRun = 0; // an empty line ends a list
                        }

                        inInline = false;
                        break;
                    case (byte)'-' or (byte)'*' or (byte)'+' or (byte)'.' or (byte)')':
                        if (lineStart || (b is (byte)'.' or (byte)')' && IsListNumber(text, i)))
                        {
                            listRun++;
                            lineStart = false;
                        }

                        break;
                    case (byte)'{' or (byte)'}' or (byte)';' or (byte)'=' or (byte)'(' or (byte)'<' or (byte)'>' or (byte)'[' or (byte)']':
                        _codeChars++;
                        break;
                }
            }

            if (length > 0)
            {
                Word(word[..Math.Min(length, WordHash.MaxWordBytes)], inQuote | inCode | inInline | listRun > 3, digits, ref minHash);
            }
        }

        /// <summary>Whether the digits just before <paramref name="i"/> start their line ("12." or "3)").</summary>
        private static bool IsListNumber(ReadOnlySpan<byte> text, int i)
        {
            int j = i - 1;
            while (j >= 0 && j >= i - 3 && (uint)(text[j] - '0') <= 9)
            {
                j--;
            }

            if (j == i - 1)
            {
                return false;
            }

            while (j >= 0 && text[j] is (byte)' ' or (byte)'\t')
            {
                j--;
            }

            return j < 0 || text[j] == '\n';
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Word(scoped ReadOnlySpan<byte> normalized, bool masked, bool numeric, ref MinHashSignature minHash)
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

            if (_fences > 0 || (_codeChars >= 6 && _codeChars * 24 >= bytes))
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
}
