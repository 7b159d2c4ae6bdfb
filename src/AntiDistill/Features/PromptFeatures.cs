namespace AntiDistill;

/// <summary>What one prompt looks like to the engine: sketches, template, capability, elicitation, sizes. No text is kept.</summary>
/// <remarks>Fields are internal so the extractor and the account update work on them in place (the MinHash is 256 bytes).</remarks>
public struct PromptFeatures
{
    internal MinHashSignature MinHashBins;
    internal ulong SimHashValue;
    internal ulong Template;
    internal ulong SystemPrompt;
    internal ulong Opening;
    internal ulong Closing;
    internal Capability Category;
    internal ElicitationFamilies Families;
    internal int ByteCount;
    internal int WordCount;
    internal int ShingleCount;

    /// <summary>The one-permutation MinHash of the prompt's word 3-shingles, densified.</summary>
    public readonly MinHashSignature MinHash => MinHashBins;

    /// <summary>The 64-bit SimHash of the prompt's shingles, taken over the MinHash sample of them; 0 for an empty prompt.</summary>
    public readonly ulong SimHash => SimHashValue;

    /// <summary>
    /// Hash of the prompt with its variable parts masked (numbers, quoted text, code, list items after the
    /// third): requests made from one template share it.
    /// </summary>
    public readonly ulong TemplateFingerprint => Template;

    /// <summary>
    /// Hash of the prompt's first six words, and of its last six: the fixed wrapper a harvesting template puts
    /// around each item shows in one of them. 0 for prompts of fewer than twelve words.
    /// </summary>
    public readonly (ulong Opening, ulong Closing) Frames => (Opening, Closing);

    /// <summary>Hash of the system prompt bytes; 0 when there is none.</summary>
    public readonly ulong SystemPromptFingerprint => SystemPrompt;

    /// <summary>The capability the prompt exercises most.</summary>
    public readonly Capability Capability => Category;

    /// <summary>The elicitation phrase families found in the prompt.</summary>
    public readonly ElicitationFamilies Elicitation => Families;

    /// <summary>Prompt size in bytes.</summary>
    public readonly int Bytes => ByteCount;

    /// <summary>Number of words.</summary>
    public readonly int Words => WordCount;

    /// <summary>Number of word shingles hashed into the sketches.</summary>
    public readonly int Shingles => ShingleCount;

    /// <summary>Estimated prompt tokens: the larger of words × 4/3 and bytes / 4, the usual BPE rules of thumb.</summary>
    public readonly int EstimatedTokens => Math.Max(WordCount * 4 / 3, ByteCount / 4);

    /// <summary>Whether a chain-of-thought family was found.</summary>
    public readonly bool ElicitsChainOfThought => (Families & ElicitationFamilies.ChainOfThought) != 0;

    /// <summary>Whether a grading family was found.</summary>
    public readonly bool ElicitsGrading => (Families & ElicitationFamilies.Grading) != 0;
}
