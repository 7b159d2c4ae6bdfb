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
/// hashed with XxHash3. Consecutive words form 3-shingles (fewer for prompts of one or two words),
/// which feed the MinHash and the SimHash. The same words, looked up in a <see cref="PromptLexicon"/>,
/// vote for a capability and complete elicitation phrases. The scan itself is vectorized, see
/// <see cref="PromptScanner"/>.
/// </remarks>
[SkipLocalsInit]
public sealed class PromptFeatureExtractor
{
    /// <summary>Prompts up to this size are lower-cased into a stack buffer; larger ones into a pooled array.</summary>
    private const int StackBufferBytes = 4096;

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

        int padded = (prompt.Length + PromptScanner.BlockBytes - 1) & ~(PromptScanner.BlockBytes - 1);
        byte[]? rented = null;
        Span<byte> lower = padded <= StackBufferBytes
            ? stackalloc byte[StackBufferBytes]
            : (rented = ArrayPool<byte>.Shared.Rent(padded));
        var sink = new WordSink(_lexicon);
        try
        {
            PromptScanner.Scan(prompt, lower, ref sink, ref features.MinHashBins);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        sink.Finish(ref features.MinHashBins);
        features.MinHashBins.Densify();
        features.SimHashValue = sink.Sim.ToHash();
        features.Template = WordHash.Mix(sink.Template);
        features.SystemPrompt = systemPrompt.IsEmpty ? 0 : XxHash3.HashToUInt64(systemPrompt) | 1;
        features.Families = sink.Elicitation;
        features.ByteCount = prompt.Length;
        features.WordCount = sink.Words;
        features.ShingleCount = sink.Shingles;
        features.Category = sink.DecideCapability(prompt.Length, toolCount);
    }
}
