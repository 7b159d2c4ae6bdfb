using System.Buffers;
using System.IO.Hashing;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace AntiDistill;

/// <summary>
/// Computes <see cref="PromptFeatures"/> from a prompt's UTF-8 bytes in one pass: no strings, no
/// allocations, no decoding (invalid UTF-8 is just bytes), linear in the prompt's length.
/// </summary>
/// <remarks>
/// Words are runs of ASCII letters, digits, '_' and non-ASCII bytes, folded to ASCII lower case and
/// hashed (see <see cref="WordHash.Of"/>). Consecutive words form 3-shingles (fewer for prompts of one or two words),
/// which feed the MinHash and the SimHash. The same words, looked up in a <see cref="PromptLexicon"/>,
/// vote for a capability and complete elicitation phrases. The SimHash is taken over the 64 MinHash
/// bins, a consistent sample of the shingles, rather than over every shingle: the same near-duplicate
/// behaviour at a fixed cost per prompt, and a 64 KiB prompt weighs no more than a short one. The scan itself is vectorized, see
/// <see cref="PromptScanner"/>.
/// </remarks>
[SkipLocalsInit]
public sealed class PromptFeatureExtractor
{
    /// <summary>Prompts up to about this size are lower-cased into a stack buffer; larger ones into a pooled array.</summary>
    private const int StackBufferBytes = 4096 + 72;

    private readonly PromptLexicon _lexicon;

    /// <summary>Creates an extractor over the given lexicon.</summary>
    public PromptFeatureExtractor(PromptLexicon lexicon)
    {
        ArgumentNullException.ThrowIfNull(lexicon);
        _lexicon = lexicon;
    }

    /// <summary>SimHash of a densified MinHash: each (bin, value) pair is one feature (see <see cref="SimHashOfBins"/>).</summary>
    internal static ulong SimHashOf(in MinHashSignature minHash) => minHash.IsEmpty ? 0 : SimHashOfBins.Compute(minHash);

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

        int needed = PromptScanner.BufferBytes(prompt.Length);
        byte[]? rented = null;
        Span<byte> lower = needed <= StackBufferBytes
            ? stackalloc byte[StackBufferBytes]
            : (rented = ArrayPool<byte>.Shared.Rent(needed));

        // No zeroing: the scanner reads the buffer only where it wrote it (word bytes, and bytes past a short word
        // that its mask drops); structure lookahead reads the prompt itself.
        Span<ulong> hashes = stackalloc ulong[WordAnalysis.Context + WordAnalysis.ChunkWords];
        hashes[..WordAnalysis.Context].Clear();
        Span<byte> flags = stackalloc byte[WordAnalysis.ChunkWords];
        var analysis = new WordAnalysis(_lexicon);
        try
        {
            PromptScanner.Scan(prompt, lower, hashes, flags, ref analysis, ref features.MinHashBins);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        analysis.Finish(hashes, ref features.MinHashBins);
        features.MinHashBins.Densify();
        features.SimHashValue = SimHashOf(features.MinHashBins);
        features.Template = WordHash.Mix(analysis.Template);
        features.Opening = analysis.OpeningFrame;
        features.Closing = analysis.SuffixFrame(hashes);
        features.SystemPrompt = systemPrompt.IsEmpty ? 0 : XxHash3.HashToUInt64(systemPrompt) | 1;
        features.Families = analysis.Elicitation;
        features.ByteCount = prompt.Length;
        features.WordCount = analysis.Words;
        features.ShingleCount = analysis.Shingles;
        features.Category = analysis.DecideCapability(prompt.Length, toolCount);
    }
}
