using System.Text;

namespace AntiDistill;

/// <summary>
/// The words and phrases the extractor recognizes: capability keywords and elicitation phrase families,
/// for any number of languages. Frozen into one open-addressing table keyed by word hash, so the
/// extractor does one lookup per word whatever the number of languages.
/// </summary>
/// <remarks>
/// Words are split on ASCII punctuation and whitespace and folded to ASCII lower case; bytes of other
/// scripts stay as they are, so add non-ASCII keywords in the case they are written in. Scripts written
/// without spaces (Chinese, Japanese) would need a segmenter first and are not covered yet.
/// </remarks>
public sealed partial class PromptLexicon
{
    /// <summary>Phrases are matched on their last word against the words before it; longer phrases are refused.</summary>
    public const int MaxPhraseWords = 8;

    private readonly ulong[] _keys;
    private readonly uint[] _values;
    private readonly int _mask;
    private readonly Phrase[] _phrases;

    /// <summary>A 16,384-bit membership filter over entry hashes: most words are not in the lexicon and stop at one bit test.</summary>
    private readonly ulong[] _filter = new ulong[256];

    private PromptLexicon(ulong[] keys, uint[] values, Phrase[] phrases)
    {
        foreach (ulong key in keys)
        {
            if (key != 0)
            {
                _filter[(int)(key >> 56)] |= 1UL << (int)(key >> 50);
            }
        }

        _keys = keys;
        _values = values;
        _mask = keys.Length - 1;
        _phrases = phrases;
    }

    /// <summary>English, German and Spanish keywords and phrase families.</summary>
    public static PromptLexicon Default { get; } = CreateBuilder().AddEnglish().AddGerman().AddSpanish().Build();

    /// <summary>Starts an empty lexicon; add languages or single entries, then <see cref="Builder.Build"/>.</summary>
    public static Builder CreateBuilder() => new();

    /// <summary>Number of phrases known, over all languages.</summary>
    public int PhraseCount => _phrases.Length;

    /// <summary>
    /// Membership filter for loops that test it inline: a word hash h may be in the lexicon only if bit
    /// <c>h &gt;&gt; 50</c> (mod 64) of element <c>h &gt;&gt; 56</c> is set; otherwise it certainly is not.
    /// </summary>
    internal ReadOnlySpan<ulong> Filter => _filter;

    /// <summary>Looks a word up. The value packs a capability keyword (bits 0-3: capability + 1, bits 4-7: weight)
    /// and the phrases that end at this word (bits 8-19: first phrase index, bits 20-27: count).</summary>
    internal uint Lookup(ulong wordHash)
    {
        int i = (int)(wordHash >> 40) & _mask;
        while (true)
        {
            ulong k = _keys[i];
            if (k == wordHash)
            {
                return _values[i];
            }

            if (k == 0)
            {
                return 0;
            }

            i = (i + 1) & _mask;
        }
    }

    internal ReadOnlySpan<Phrase> PhrasesAt(int first, int count) => _phrases.AsSpan(first, count);

    /// <summary>A phrase: its words' hashes (the last one is the key it is stored under) and its family.</summary>
    /// <remarks>The word before the last is kept inline: most occurrences of a phrase's last word ("step") are not
    /// preceded by the phrase ("by"), and one comparison rejects them without touching the array.</remarks>
    internal readonly record struct Phrase(ulong[] Words, ElicitationFamilies Family)
    {
        public ulong Previous { get; } = Words.Length > 1 ? Words[^2] : 0;
    }

    /// <summary>Collects keywords and phrases, then freezes them into a <see cref="PromptLexicon"/>.</summary>
    public sealed partial class Builder
    {
        private readonly Dictionary<ulong, (Capability Capability, int Weight)> _keywords = [];
        private readonly List<(string Text, ulong[] Words, ElicitationFamilies Family)> _phrases = [];

        internal Builder()
        {
        }

        /// <summary>Adds a capability keyword with a weight from 1 (a hint) to 15 (decisive). A later entry for the same word wins.</summary>
        public Builder AddKeyword(Capability capability, string word, int weight = 1)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(word);
            ArgumentOutOfRangeException.ThrowIfLessThan(weight, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(weight, 15);
            ulong[] words = Split(word);
            if (words.Length != 1)
            {
                throw new ArgumentException($"A keyword is one word; '{word}' splits into {words.Length}. Use a phrase for more.", nameof(word));
            }

            _keywords[words[0]] = (capability, weight);
            return this;
        }

        /// <summary>Adds keywords of one capability and weight.</summary>
        public Builder AddKeywords(Capability capability, int weight, params string[] words)
        {
            ArgumentNullException.ThrowIfNull(words);
            foreach (string w in words)
            {
                AddKeyword(capability, w, weight);
            }

            return this;
        }

        /// <summary>Adds an elicitation phrase (1 to <see cref="MaxPhraseWords"/> words) of the given family.</summary>
        public Builder AddPhrase(ElicitationFamilies family, string phrase)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(phrase);
            if (family == ElicitationFamilies.None || (family & (family - 1)) != 0)
            {
                throw new ArgumentException("A phrase belongs to exactly one family.", nameof(family));
            }

            ulong[] words = Split(phrase);
            if (words.Length is 0 or > MaxPhraseWords)
            {
                throw new ArgumentException($"A phrase has 1 to {MaxPhraseWords} words; '{phrase}' has {words.Length}.", nameof(phrase));
            }

            _phrases.Add((phrase, words, family));
            return this;
        }

        /// <summary>Adds phrases of one family.</summary>
        public Builder AddPhrases(ElicitationFamilies family, params string[] phrases)
        {
            ArgumentNullException.ThrowIfNull(phrases);
            foreach (string p in phrases)
            {
                AddPhrase(family, p);
            }

            return this;
        }

        /// <summary>Freezes the entries into a lexicon.</summary>
        public PromptLexicon Build()
        {
            // Group phrases by their last word so the extractor checks only the phrases that can end here.
            var byLast = new SortedDictionary<ulong, List<Phrase>>();
            foreach (var (_, words, family) in _phrases)
            {
                ulong last = words[^1];
                if (!byLast.TryGetValue(last, out var list))
                {
                    byLast[last] = list = [];
                }

                list.Add(new Phrase(words, family));
            }

            var flat = new List<Phrase>();
            var entries = new Dictionary<ulong, uint>();
            foreach (var (hash, (capability, weight)) in _keywords)
            {
                entries[hash] = (uint)((int)capability + 1) | ((uint)weight << 4);
            }

            foreach (var (last, list) in byLast)
            {
                if (flat.Count + list.Count >= 1 << 12 || list.Count >= 1 << 8)
                {
                    throw new InvalidOperationException("Too many phrases for one lexicon.");
                }

                // Longest first, so that the most specific phrase of a family is the one reported.
                list.Sort(static (a, b) => b.Words.Length.CompareTo(a.Words.Length));
                entries.TryGetValue(last, out uint v);
                entries[last] = v | ((uint)flat.Count << 8) | ((uint)list.Count << 20);
                flat.AddRange(list);
            }

            int capacity = 16;
            while (capacity < entries.Count * 4)
            {
                capacity <<= 1;
            }

            var keys = new ulong[capacity];
            var values = new uint[capacity];
            foreach (var (hash, value) in entries)
            {
                int i = (int)(hash >> 40) & (capacity - 1);
                while (keys[i] != 0)
                {
                    i = (i + 1) & (capacity - 1);
                }

                keys[i] = hash;
                values[i] = value;
            }

            return new PromptLexicon(keys, values, [.. flat]);
        }

        private static ulong[] Split(string text)
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(text);
            var words = new List<ulong>();
            int start = -1;
            for (int i = 0; i <= utf8.Length; i++)
            {
                bool sep = i == utf8.Length || WordHash.Classes[utf8[i]] == WordHash.Separator;
                if (!sep && start < 0)
                {
                    start = i;
                }
                else if (sep && start >= 0)
                {
                    words.Add(WordHash.OfText(utf8.AsSpan(start, i - start)));
                    start = -1;
                }
            }

            return [.. words];
        }
    }
}
