using System.Buffers.Binary;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AntiDistill;

/// <summary>
/// Splits a prompt into words and structure events, 64 bytes at a time: one vector pass lower-cases the
/// block into a buffer and computes bit masks of word bytes, digits, structure characters and code
/// punctuation; the scalar part then only visits word boundaries and structure characters (trailing-zero
/// counts over the masks) instead of every byte.
/// </summary>
/// <remarks>
/// <para>
/// Template masking rules: words inside double quotes, inline code (<c>`...`</c>) or fenced code
/// (<c>```</c>), numbers, and list items after the third of a run are "masked": they are still words
/// for the sketches and the lexicon, but the template hash sees one placeholder per masked run.
/// </para>
/// <para>
/// Why it is shaped this way (ExtractionBenchmarks, and perf on the 1 KiB prompt): the masking state only
/// changes at structure characters, so the words between two of them form a segment that shares one
/// masked flag, and the per-word loop carries no state machine. Which words are numbers comes from one
/// 64-bit addition per block (a digit run that starts at a word start carries through to the word's end
/// only if every byte is a digit). Chunks are handed to <see cref="WordAnalysis"/> per block, not
/// checked per word. Buffers are addressed by reference: the bounds are established once per call
/// (asserted below), and the checks the JIT could not drop cost more than the hashing.
/// </para>
/// </remarks>
[SkipLocalsInit]
internal static class PromptScanner
{
    public const int BlockBytes = 64;

    /// <summary>A block ends at most this many words (every other byte a one-byte word).</summary>
    private const int MaxWordsPerBlock = BlockBytes / 2;

    /// <summary>Bytes the lower-case buffer needs for a text: whole blocks, plus 8 so a short word near the end can be read as one 8-byte load.</summary>
    public static int BufferBytes(int textLength) => ((textLength + BlockBytes - 1) & ~(BlockBytes - 1)) + 8;

    /// <summary>
    /// Scans <paramref name="text"/> (<paramref name="lower"/> must hold <see cref="BufferBytes"/> bytes),
    /// hashing each word into <paramref name="hashes"/> (after <see cref="WordAnalysis.Context"/> slots of
    /// context) with its flags, and handing full chunks and the last one to <paramref name="analysis"/>.
    /// </summary>
    /// <remarks>
    /// Only the word hashes read <paramref name="lower"/>; structure characters and the bytes after them are
    /// read from <paramref name="text"/>, so nothing looks at a part of the buffer not yet written.
    /// </remarks>
    public static void Scan(scoped ReadOnlySpan<byte> text, scoped Span<byte> lower, scoped Span<ulong> hashes, scoped Span<byte> flags,
        ref WordAnalysis analysis, ref MinHashSignature minHash)
    {
        int n = text.Length;
        if (lower.Length < BufferBytes(n) || hashes.Length < WordAnalysis.Context + WordAnalysis.ChunkWords || flags.Length < WordAnalysis.ChunkWords)
        {
            throw new ArgumentException("Scratch buffers are too small for the text.");
        }

        var state = default(StructureState);
        Span<byte> tail = stackalloc byte[BlockBytes];
        ref byte textRef = ref MemoryMarshal.GetReference(text);
        ref byte lowerRef = ref MemoryMarshal.GetReference(lower);
        ref ulong wordHashes = ref Unsafe.Add(ref MemoryMarshal.GetReference(hashes), WordAnalysis.Context);
        ref byte wordFlags = ref MemoryMarshal.GetReference(flags);
        int count = 0, codeChars = 0;
        int openStart = -1;
        byte openFlags = 0;
        ulong carryWord = 0, carryDigit = 0, carryNumber = 0;

        for (int o = 0; o < n; o += BlockBytes)
        {
            ulong word, digit, quoteOrLine, listMark, afterNumber;
            if (o + BlockBytes <= n)
            {
                codeChars += Classify(ref Unsafe.Add(ref textRef, o), ref Unsafe.Add(ref lowerRef, o), out word, out digit, out quoteOrLine, out listMark, out afterNumber);
            }
            else
            {
                // Zero padding: 0 is a separator, so a word at the very end is closed inside this block.
                tail.Clear();
                text[o..].CopyTo(tail);
                codeChars += Classify(ref MemoryMarshal.GetReference(tail), ref Unsafe.Add(ref lowerRef, o), out word, out digit, out quoteOrLine, out listMark, out afterNumber);
            }

            ulong wordBefore = (word << 1) | carryWord;
            ulong starts = word & ~wordBefore;
            ulong ends = ~word & wordBefore;

            // Structure characters that can change the masking state: quotes, backticks and newlines always;
            // '-', '*', '+' only where no word byte precedes them ("step-by-step" is not a list);
            // '.' and ')' only right after a digit ("12." may number a list item). Fewer events, fewer branches.
            ulong special = quoteOrLine | (listMark & ~wordBefore) | (afterNumber & ((digit << 1) | carryDigit));

            // Numbers: adding each word start that is a digit to the digit mask carries through that digit run; the
            // carry lands on the word's end exactly when the run covers the whole word. Carries cross blocks.
            ulong run = digit + (starts & digit);
            ulong sum = run + carryNumber;
            ulong numberEnds = sum & ends;
            carryNumber = (run < digit ? 1UL : 0) | (sum < run ? 1UL : 0);
            carryWord = word >> 63;
            carryDigit = digit >> 63;

            if (count > WordAnalysis.ChunkWords - MaxWordsPerBlock - 1)
            {
                analysis.Process(hashes, flags, count, ref minHash);
                count = 0;
            }

            // A word carried over from the previous block ends at this block's first end.
            if (openStart >= 0 && ends != 0)
            {
                int end = o + BitOperations.TrailingZeroCount(ends);
                byte number = (numberEnds & ends & (0 - ends)) != 0 ? WordAnalysis.Numeric : (byte)0;
                ends &= ends - 1;
                Unsafe.Add(ref wordHashes, count) = Hash(ref Unsafe.Add(ref lowerRef, openStart), end - openStart);
                Unsafe.Add(ref wordFlags, count++) = (byte)(openFlags | number);
                openStart = -1;
            }

            while (true)
            {
                // The words before the next structure character share one masking state, and end before it or on it
                // (an end bit marks the first byte after a word). The character itself is never a word start.
                ulong before = special == 0 ? ulong.MaxValue : special ^ (special - 1);
                ulong segment = starts & before;
                if (segment != 0)
                {
                    if (!state.MidLine)
                    {
                        state.OnLineStartsWithWord(Unsafe.Add(ref textRef, o + BitOperations.TrailingZeroCount(segment)));
                    }

                    byte masked = state.Masked ? WordAnalysis.Masked : (byte)0;
                    ulong segmentEnds = ends & before;
                    count += EmitSegment(ref Unsafe.Add(ref lowerRef, o), segment, segmentEnds, numberEnds, masked,
                        ref Unsafe.Add(ref wordHashes, count), ref Unsafe.Add(ref wordFlags, count));
                    if (BitOperations.PopCount(segment) > BitOperations.PopCount(segmentEnds))
                    {
                        // The last word of the block runs into the next one (no structure character can follow it here).
                        openStart = o + 63 - BitOperations.LeadingZeroCount(segment);
                        openFlags = masked;
                    }

                    starts &= ~before;
                    ends &= ~before;
                }

                if (special == 0)
                {
                    break;
                }

                state.OnStructure(text, o + BitOperations.TrailingZeroCount(special), ref analysis);
                special &= special - 1;
            }
        }

        analysis.CodeChars += codeChars;
        if (openStart >= 0)
        {
            // Only when the text ends on a block boundary: the carry says whether the word was all digits.
            Unsafe.Add(ref wordHashes, count) = Hash(ref Unsafe.Add(ref lowerRef, openStart), n - openStart);
            Unsafe.Add(ref wordFlags, count++) = (byte)(openFlags | (carryNumber != 0 ? WordAnalysis.Numeric : 0));
        }

        if (count > 0)
        {
            analysis.Process(hashes, flags, count, ref minHash);
        }
    }

    /// <summary>
    /// Hashes the words of one segment of a block: the k-th start in <paramref name="starts"/> pairs with the k-th end in
    /// <paramref name="ends"/> (a last start without an end is the caller's open word). Returns the number of words written.
    /// </summary>
    /// <remarks>
    /// A method of its own so the block loop reads as segments, not words; forced inline, since the JIT does not reliably
    /// inline a method with a loop on its own, and every extraction result since this helper exists
    /// (<c>benchmarks/results/AntiDistill.Benchmarks.ExtractionBenchmarks-report-github.md</c>) was measured inlined. An
    /// out-of-line call was never benchmarked against it: measure both before changing the attribute.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int EmitSegment(ref byte block, ulong starts, ulong ends, ulong numberEnds, byte masked, ref ulong hashes, ref byte flags)
    {
        int k = 0;
        while (ends != 0)
        {
            int p = BitOperations.TrailingZeroCount(starts);
            int q = BitOperations.TrailingZeroCount(ends);
            starts &= starts - 1;
            ends &= ends - 1;
            Unsafe.Add(ref hashes, k) = Hash(ref Unsafe.Add(ref block, p), q - p);
            Unsafe.Add(ref flags, k) = (byte)(masked | (byte)(((numberEnds >> q) & 1) << 1));
            k++;
        }

        return k;
    }

    /// <summary>Hashes the word of <paramref name="length"/> bytes at <paramref name="first"/> in the lower-case buffer (8 bytes readable from it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Hash(ref byte first, int length)
    {
        ulong firstBytes = Unsafe.ReadUnaligned<ulong>(ref first);
        if (!BitConverter.IsLittleEndian)
        {
            firstBytes = BinaryPrimitives.ReverseEndianness(firstBytes);
        }

        return length <= 8 ? WordHash.OfShort(firstBytes, length) : WordHash.OfLong(ref first, length);
    }

    /// <summary>
    /// Lower-cases 64 bytes from <paramref name="source"/> into <paramref name="lowered"/> and returns bit masks (bit i for byte i):
    /// word bytes, digits, quotes/backticks/newlines, list marks, number ends; the result is the count of code punctuation.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Classify(ref byte source, ref byte lowered, out ulong word, out ulong digit, out ulong quoteOrLine, out ulong listMark, out ulong afterNumber)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            return Classify512(Vector512.LoadUnsafe(ref source), ref lowered, out word, out digit, out quoteOrLine, out listMark, out afterNumber);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var (w0, d0, q0, l0, a0, c0) = Classify256(Vector256.LoadUnsafe(ref source), ref lowered);
            var (w1, d1, q1, l1, a1, c1) = Classify256(Vector256.LoadUnsafe(ref source, 32), ref Unsafe.Add(ref lowered, 32));
            word = w0 | ((ulong)w1 << 32);
            digit = d0 | ((ulong)d1 << 32);
            quoteOrLine = q0 | ((ulong)q1 << 32);
            listMark = l0 | ((ulong)l1 << 32);
            afterNumber = a0 | ((ulong)a1 << 32);
            return c0 + c1;
        }

        word = digit = quoteOrLine = listMark = afterNumber = 0;
        int code = 0;
        for (int q = 0; q < BlockBytes; q += 16)
        {
            var (w, d, ql, l, a, c) = Classify128(Vector128.LoadUnsafe(ref source, (nuint)q), ref Unsafe.Add(ref lowered, q));
            word |= (ulong)w << q;
            digit |= (ulong)d << q;
            quoteOrLine |= (ulong)ql << q;
            listMark |= (ulong)l << q;
            afterNumber |= (ulong)a << q;
            code += c;
        }

        return code;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Classify512(Vector512<byte> v, ref byte lowered, out ulong word, out ulong digit, out ulong quoteOrLine, out ulong listMark, out ulong afterNumber)
    {
        var l = v | (Vector512.LessThan(v - Vector512.Create((byte)'A'), Vector512.Create((byte)26)) & Vector512.Create((byte)0x20));
        l.StoreUnsafe(ref lowered);
        var digits = Vector512.LessThan(l - Vector512.Create((byte)'0'), Vector512.Create((byte)10));
        var isWord = Vector512.LessThan(l - Vector512.Create((byte)'a'), Vector512.Create((byte)26)) | digits
            | Vector512.GreaterThanOrEqual(l, Vector512.Create((byte)0x80)) | Vector512.Equals(l, Vector512.Create((byte)'_'));
        var quoteLine = Vector512.Equals(l, Vector512.Create((byte)'"')) | Vector512.Equals(l, Vector512.Create((byte)'`')) | Vector512.Equals(l, Vector512.Create((byte)'\n'));
        var list = Vector512.Equals(l, Vector512.Create((byte)'-')) | Vector512.Equals(l, Vector512.Create((byte)'*')) | Vector512.Equals(l, Vector512.Create((byte)'+'));
        var number = Vector512.Equals(l, Vector512.Create((byte)'.')) | Vector512.Equals(l, Vector512.Create((byte)')'));
        var punctuation = Vector512.Equals(l, Vector512.Create((byte)'{')) | Vector512.Equals(l, Vector512.Create((byte)'}'))
            | Vector512.Equals(l, Vector512.Create((byte)';')) | Vector512.Equals(l, Vector512.Create((byte)'='))
            | Vector512.Equals(l, Vector512.Create((byte)'(')) | Vector512.Equals(l, Vector512.Create((byte)'<'))
            | Vector512.Equals(l, Vector512.Create((byte)'>')) | Vector512.Equals(l, Vector512.Create((byte)'['))
            | Vector512.Equals(l, Vector512.Create((byte)']'));
        word = isWord.ExtractMostSignificantBits();
        digit = digits.ExtractMostSignificantBits();
        quoteOrLine = quoteLine.ExtractMostSignificantBits();
        listMark = list.ExtractMostSignificantBits();
        afterNumber = number.ExtractMostSignificantBits();
        return BitOperations.PopCount(punctuation.ExtractMostSignificantBits());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (uint Word, uint Digit, uint QuoteOrLine, uint ListMark, uint AfterNumber, int Code) Classify128(Vector128<byte> v, ref byte lowered)
    {
        var l = v | (Vector128.LessThan(v - Vector128.Create((byte)'A'), Vector128.Create((byte)26)) & Vector128.Create((byte)0x20));
        l.StoreUnsafe(ref lowered);
        var digits = Vector128.LessThan(l - Vector128.Create((byte)'0'), Vector128.Create((byte)10));
        var isWord = Vector128.LessThan(l - Vector128.Create((byte)'a'), Vector128.Create((byte)26)) | digits
            | Vector128.GreaterThanOrEqual(l, Vector128.Create((byte)0x80)) | Vector128.Equals(l, Vector128.Create((byte)'_'));
        var quoteLine = Vector128.Equals(l, Vector128.Create((byte)'"')) | Vector128.Equals(l, Vector128.Create((byte)'`')) | Vector128.Equals(l, Vector128.Create((byte)'\n'));
        var list = Vector128.Equals(l, Vector128.Create((byte)'-')) | Vector128.Equals(l, Vector128.Create((byte)'*')) | Vector128.Equals(l, Vector128.Create((byte)'+'));
        var number = Vector128.Equals(l, Vector128.Create((byte)'.')) | Vector128.Equals(l, Vector128.Create((byte)')'));
        var punctuation = Vector128.Equals(l, Vector128.Create((byte)'{')) | Vector128.Equals(l, Vector128.Create((byte)'}'))
            | Vector128.Equals(l, Vector128.Create((byte)';')) | Vector128.Equals(l, Vector128.Create((byte)'='))
            | Vector128.Equals(l, Vector128.Create((byte)'(')) | Vector128.Equals(l, Vector128.Create((byte)'<'))
            | Vector128.Equals(l, Vector128.Create((byte)'>')) | Vector128.Equals(l, Vector128.Create((byte)'['))
            | Vector128.Equals(l, Vector128.Create((byte)']'));
        return (isWord.ExtractMostSignificantBits(), digits.ExtractMostSignificantBits(), quoteLine.ExtractMostSignificantBits(),
            list.ExtractMostSignificantBits(), number.ExtractMostSignificantBits(), BitOperations.PopCount(punctuation.ExtractMostSignificantBits()));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (uint Word, uint Digit, uint QuoteOrLine, uint ListMark, uint AfterNumber, int Code) Classify256(Vector256<byte> v, ref byte lowered)
    {
        var l = v | (Vector256.LessThan(v - Vector256.Create((byte)'A'), Vector256.Create((byte)26)) & Vector256.Create((byte)0x20));
        l.StoreUnsafe(ref lowered);
        var digits = Vector256.LessThan(l - Vector256.Create((byte)'0'), Vector256.Create((byte)10));
        var isWord = Vector256.LessThan(l - Vector256.Create((byte)'a'), Vector256.Create((byte)26)) | digits
            | Vector256.GreaterThanOrEqual(l, Vector256.Create((byte)0x80)) | Vector256.Equals(l, Vector256.Create((byte)'_'));
        var quoteLine = Vector256.Equals(l, Vector256.Create((byte)'"')) | Vector256.Equals(l, Vector256.Create((byte)'`')) | Vector256.Equals(l, Vector256.Create((byte)'\n'));
        var list = Vector256.Equals(l, Vector256.Create((byte)'-')) | Vector256.Equals(l, Vector256.Create((byte)'*')) | Vector256.Equals(l, Vector256.Create((byte)'+'));
        var number = Vector256.Equals(l, Vector256.Create((byte)'.')) | Vector256.Equals(l, Vector256.Create((byte)')'));
        var punctuation = Vector256.Equals(l, Vector256.Create((byte)'{')) | Vector256.Equals(l, Vector256.Create((byte)'}'))
            | Vector256.Equals(l, Vector256.Create((byte)';')) | Vector256.Equals(l, Vector256.Create((byte)'='))
            | Vector256.Equals(l, Vector256.Create((byte)'(')) | Vector256.Equals(l, Vector256.Create((byte)'<'))
            | Vector256.Equals(l, Vector256.Create((byte)'>')) | Vector256.Equals(l, Vector256.Create((byte)'['))
            | Vector256.Equals(l, Vector256.Create((byte)']'));
        return (isWord.ExtractMostSignificantBits(), digits.ExtractMostSignificantBits(), quoteLine.ExtractMostSignificantBits(),
            list.ExtractMostSignificantBits(), number.ExtractMostSignificantBits(), BitOperations.PopCount(punctuation.ExtractMostSignificantBits()));
    }

    /// <summary>Quotes, code, lines and lists: decides which words are masked in the template.</summary>
    private struct StructureState
    {
        private bool _inQuote, _inCode, _inInline, _midLine;
        private int _listRun, _skipUntil;

        public readonly bool Masked => _inQuote | _inCode | _inInline | _listRun > 3;

        public readonly bool MidLine => _midLine;

        /// <summary>A line that starts with a word is not a list item ("1." is caught on the '.').</summary>
        public void OnLineStartsWithWord(byte first)
        {
            _midLine = true;
            if ((uint)(first - '0') > 9)
            {
                _listRun = 0;
            }
        }

        /// <summary>Handles the structure character at <paramref name="at"/>; reads the original text (case does not matter to any of them).</summary>
        public void OnStructure(scoped ReadOnlySpan<byte> text, int at, ref WordAnalysis analysis)
        {
            if (at < _skipUntil)
            {
                return;
            }

            switch (text[at])
            {
                case (byte)'"':
                    _inQuote = !_inQuote;
                    break;
                case (byte)'`':
                    if (at + 2 < text.Length && text[at + 1] == '`' && text[at + 2] == '`')
                    {
                        _inCode = !_inCode;
                        analysis.Fences++;
                        _skipUntil = at + 3;
                    }
                    else if (!_inCode)
                    {
                        _inInline = !_inInline;
                    }

                    break;
                case (byte)'\n':
                    if (_midLine)
                    {
                        _midLine = false;
                    }
                    else
                    {
                        _listRun = 0; // an empty line ends a list
                    }

                    _inInline = false;
                    break;
                case (byte)'.' or (byte)')':
                    if (IsListNumber(text, at))
                    {
                        _listRun++;
                        _midLine = true;
                    }

                    break;
                default: // '-', '*', '+'
                    if (!_midLine)
                    {
                        _listRun++;
                        _midLine = true;
                    }

                    break;
            }
        }

        /// <summary>Whether the digits just before <paramref name="at"/> start their line ("12." or "3)").</summary>
        private static bool IsListNumber(ReadOnlySpan<byte> text, int at)
        {
            int j = at - 1;
            while (j >= 0 && j >= at - 3 && (uint)(text[j] - '0') <= 9)
            {
                j--;
            }

            if (j == at - 1)
            {
                return false;
            }

            while (j >= 0 && text[j] is (byte)' ' or (byte)'\t')
            {
                j--;
            }

            return j < 0 || text[j] == '\n';
        }
    }
}
