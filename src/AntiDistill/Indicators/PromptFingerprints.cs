using System.Buffers;
using System.Globalization;

namespace AntiDistill;

/// <summary>
/// The unkeyed prompt fingerprints that travel in indicator bundles: the same functions the engine computes on every
/// request (<see cref="PromptFeatures.Frames"/>, <see cref="PromptFeatures.SystemPromptFingerprint"/>), specified in
/// <c>docs/indicators.md</c> so that another implementation computes the same value from the same prompt.
/// </summary>
/// <remarks>
/// Unkeyed on purpose: a provider must be able to recompute them from its own traffic without a shared secret. A frame
/// covers six words of a prompt's wrapper, never the item inside it, and a bundle carries only frames that a
/// campaign's accounts repeated and no organic account used; see the privacy notes in the docs.
/// </remarks>
public static class PromptFingerprints
{
    /// <summary>The version of the normalization and hash; a bundle states it, and an importer rejects others.</summary>
    public const string Version = "antidistill-fp-v1";

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    /// <summary>The opening and closing frame fingerprints of a prompt (0 for prompts under twelve words).</summary>
    public static (ulong Opening, ulong Closing) Frames(ReadOnlySpan<byte> prompt)
    {
        PromptFeatureExtractor.Default.Extract(prompt, default, 0, out var features);
        return features.Frames;
    }

    /// <summary>The fingerprint of a system prompt (0 when empty).</summary>
    public static ulong SystemPrompt(ReadOnlySpan<byte> systemPrompt) => systemPrompt.IsEmpty ? 0 : System.IO.Hashing.XxHash3.HashToUInt64(systemPrompt) | 1;

    /// <summary>The canonical text of a fingerprint: 16 lower-case hex digits.</summary>
    public static string Format(ulong fingerprint) => fingerprint.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>Reads a fingerprint written by <see cref="Format"/>; false for anything else (and for 0, which means "none").</summary>
    public static bool TryParse(string? text, out ulong fingerprint)
    {
        fingerprint = 0;
        return text is { Length: 16 }
            && text.AsSpan().IndexOfAnyExcept(LowerHex) < 0
            && ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out fingerprint)
            && fingerprint != 0;
    }
}
