using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AntiDistill;

/// <summary>Word normalization and hashing shared by the extractor and the lexicon, so both agree on what a word is.</summary>
internal static class WordHash
{
    /// <summary>Longer words are hashed on their first bytes only; 48 covers real words and keeps the scratch on the stack.</summary>
    public const int MaxWordBytes = 48;

    /// <summary>Byte classes: separators end a word; ASCII upper case is folded; everything else, including
    /// every byte of a multi-byte (or invalid) UTF-8 sequence, is part of a word, so no input can throw.</summary>
    public const byte Separator = 0, Lower = 1, Digit = 2, Upper = 3;

    public static ReadOnlySpan<byte> Classes => [
        0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
        0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0, 2,2,2,2,2,2,2,2,2,2,0,0,0,0,0,0,
        0,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3, 3,3,3,3,3,3,3,3,3,3,3,0,0,0,0,1,
        0,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,0,0,0,0,0,
        1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
        1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
        1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
        1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
    ];

    /// <summary>
    /// Hashes an already normalized word. Never returns 0 (0 marks an empty slot in tables).
    /// </summary>
    /// <remarks>
    /// A word of up to 8 bytes is its own 64-bit key (its bytes packed little-endian; words hold no zero
    /// bytes, so the packing is exact), spread by a multiply and a shift. Longer words go through XxHash3. Most
    /// words are short, and skipping the general-purpose hash for them took a third off the per-word cost
    /// on the scoring path (ExtractionBenchmarks).
    /// </remarks>
    public static ulong Of(ReadOnlySpan<byte> normalized)
    {
        if (normalized.Length > 8)
        {
            return XxHash3.HashToUInt64(normalized) | 1;
        }

        Span<byte> padded = stackalloc byte[8];
        padded.Clear();
        normalized.CopyTo(padded);
        return OfShort(BinaryPrimitives.ReadUInt64LittleEndian(padded), normalized.Length);
    }

    /// <summary>The hash of a word of 1 to 8 bytes, given 8 bytes read (little-endian) from its start; the bytes past the word are ignored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong OfShort(ulong firstBytes, int length)
    {
        // One multiply spreads the packed bytes upward, the shift folds the high half back down: enough for
        // sketches and table indexes (both read high and low bits), half the cost of the full finalizer.
        ulong h = (firstBytes & (ulong.MaxValue >> ((8 - length) * 8))) * 0x9E3779B97F4A7C15UL;
        return (h ^ (h >> 29)) | 1;
    }

    /// <summary>The hash of a word of more than 8 bytes starting at <paramref name="first"/>, <paramref name="length"/> bytes readable (hashed up to <see cref="MaxWordBytes"/>).</summary>
    /// <remarks>Not inlined: few words are this long, and the hash call would crowd the scanner's registers.</remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong OfLong(ref byte first, int length) =>
        XxHash3.HashToUInt64(MemoryMarshal.CreateReadOnlySpan(ref first, Math.Min(length, MaxWordBytes))) | 1;

    /// <summary>Normalizes (ASCII case folding) and hashes one word of free text; used to build lexicons.</summary>
    public static ulong OfText(ReadOnlySpan<byte> word)
    {
        Span<byte> scratch = stackalloc byte[MaxWordBytes];
        int n = Math.Min(word.Length, MaxWordBytes);
        for (int i = 0; i < n; i++)
        {
            byte b = word[i];
            scratch[i] = Classes[b] == Upper ? (byte)(b | 0x20) : b;
        }

        return Of(scratch[..n]);
    }

    /// <summary>The 64-bit finalizer of MurmurHash3: spreads combined values (shingles, sketch inputs) over all bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(ulong x)
    {
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdUL;
        x ^= x >> 33;
        x *= 0xc4ceb9fe1a85ec53UL;
        x ^= x >> 33;
        return x;
    }
}
