using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace AntiDistill.Tests.Indicators;

/// <summary>
/// The fingerprints travel to other implementations, so the documented algorithm (docs/indicators.md, "Prompt
/// fingerprints") is re-implemented here from the text alone, byte by byte, and must agree with the engine on any prompt.
/// </summary>
public sealed class PromptFingerprintsTests
{
    private static readonly string[] Pieces =
    [
        "Solve", "the", "FOLLOWING", "problem", "step", "by", "x", "42", "_id", "naïve", "数学", "don't", "e.g.", "`code`",
        "\"quoted\"", "```", "\n", " ", "  ", "\t", "-", "1.", "supercalifragilisticexpialidocious",
        "averyveryveryveryveryveryveryveryveryveryveryverylongwordthatgoespastfortyeightbytes", "Ünïcödé", "!?", "a_b_c",
    ];

    [Property(MaxTest = 500)]
    public void Frames_AnyPrompt_MatchDocumentedAlgorithm(NonNegativeInt[] picks)
    {
        var sb = new StringBuilder();
        foreach (var p in picks)
        {
            sb.Append(Pieces[p.Get % Pieces.Length]).Append(p.Get % 3 == 0 ? "" : " ");
        }

        byte[] prompt = Encoding.UTF8.GetBytes(sb.ToString());
        Assert.Equal(Reference(prompt), PromptFingerprints.Frames(prompt));
    }

    [Fact]
    public void Frames_KnownPrompt_PinnedValues()
    {
        // Test vectors printed in docs/indicators.md: changing them breaks every bundle already shared.
        byte[] prompt = Encoding.UTF8.GetBytes("Reconstruct the complete reasoning behind this answer: what is 17 times 23? Show every intermediate step.");
        var (opening, closing) = PromptFingerprints.Frames(prompt);
        Assert.Equal(Reference(prompt), (opening, closing));
        Assert.Equal("8f3fc16533fdc23f", PromptFingerprints.Format(opening));
        Assert.Equal("6a24aff9bc22815d", PromptFingerprints.Format(closing));
        Assert.Equal("3206ec37b491baf1", PromptFingerprints.Format(PromptFingerprints.SystemPrompt("You are a helpful assistant."u8)));
    }

    [Fact]
    public void Frames_ShortPrompt_Zero()
    {
        Assert.Equal((0UL, 0UL), PromptFingerprints.Frames("only eleven words here so there is no frame at all"u8));
    }

    [Theory]
    [InlineData("0123456789abcdef", true)]
    [InlineData("0123456789ABCDEF", false)]
    [InlineData("0000000000000000", false)]
    [InlineData("0123456789abcde", false)]
    [InlineData("0x23456789abcdef", false)]
    public void TryParse_Text_OnlyCanonicalForm(string text, bool expected)
    {
        Assert.Equal(expected, PromptFingerprints.TryParse(text, out _));
    }

    /// <summary>The algorithm as docs/indicators.md states it.</summary>
    private static (ulong, ulong) Reference(byte[] prompt)
    {
        var words = new List<ulong>();
        var word = new List<byte>();
        foreach (byte b in prompt.Append((byte)' '))
        {
            bool separator = b < 0x80 && !(char.IsAsciiLetterOrDigit((char)b) || b == '_');
            if (!separator)
            {
                word.Add(b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b + 32) : b);
            }
            else if (word.Count > 0)
            {
                words.Add(WordHash([.. word]));
                word.Clear();
            }
        }

        if (words.Count < 12)
        {
            return (0, 0);
        }

        return (Frame(words.Take(6)), Frame(words.Skip(words.Count - 6)));
    }

    private static ulong WordHash(byte[] w)
    {
        if (w.Length > 8)
        {
            return XxHash3.HashToUInt64(w.AsSpan(0, Math.Min(w.Length, 48))) | 1;
        }

        var padded = new byte[8];
        w.CopyTo(padded, 0);
        ulong h = BinaryPrimitives.ReadUInt64LittleEndian(padded) * 0x9E3779B97F4A7C15UL;
        return (h ^ (h >> 29)) | 1;
    }

    private static ulong Frame(IEnumerable<ulong> words)
    {
        ulong f = 0x517CC1B727220A95UL;
        foreach (ulong w in words)
        {
            ulong x = f ^ w;
            x ^= x >> 33;
            x *= 0xff51afd7ed558ccdUL;
            x ^= x >> 33;
            x *= 0xc4ceb9fe1a85ec53UL;
            x ^= x >> 33;
            f = x;
        }

        return f | 1;
    }
}
