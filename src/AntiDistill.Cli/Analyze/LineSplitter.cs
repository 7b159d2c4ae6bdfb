namespace AntiDistill.Cli.Analyze;

/// <summary>
/// Cuts a stream into lines (<c>\n</c> or <c>\r\n</c>) without ever buffering more than the line limit:
/// a longer line is skipped as it streams past and reported by its length only.
/// </summary>
internal sealed class LineSplitter
{
    private const int ReadSize = 1024 * 1024;

    private readonly Stream _stream;
    private readonly int _maxLine;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private int _scanned;
    private bool _eof;

    public LineSplitter(Stream stream, int maxLineBytes)
    {
        _stream = stream;
        _maxLine = maxLineBytes;
        _buffer = GC.AllocateUninitializedArray<byte>(ReadSize);
    }

    /// <summary>Lines returned so far (the current line's 1-based number).</summary>
    public long LineNumber { get; private set; }

    /// <summary>
    /// The next line, valid until the next call; false at the end of the stream. When the line is longer
    /// than the limit, <paramref name="line"/> is empty and <paramref name="tooLongBytes"/> gives its length.
    /// </summary>
    public bool Next(out ReadOnlySpan<byte> line, out long tooLongBytes)
    {
        tooLongBytes = 0;
        while (true)
        {
            int newline = _buffer.AsSpan(_start + _scanned, _end - _start - _scanned).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                line = TrimCarriageReturn(_buffer.AsSpan(_start, _scanned + newline));
                _start += _scanned + newline + 1;
                _scanned = 0;
                LineNumber++;
                return Accept(ref line, ref tooLongBytes);
            }

            _scanned = _end - _start;
            if (_scanned > _maxLine + 1)
            {
                line = default;
                tooLongBytes = SkipRestOfLine();
                LineNumber++;
                return true;
            }

            if (_eof)
            {
                if (_end > _start)
                {
                    line = TrimCarriageReturn(_buffer.AsSpan(_start, _end - _start));
                    _start = _end;
                    _scanned = 0;
                    LineNumber++;
                    return Accept(ref line, ref tooLongBytes);
                }

                line = default;
                return false;
            }

            Fill();
        }
    }

    private bool Accept(ref ReadOnlySpan<byte> line, ref long tooLongBytes)
    {
        if (line.Length > _maxLine)
        {
            tooLongBytes = line.Length;
            line = default;
        }

        return true;
    }

    private static ReadOnlySpan<byte> TrimCarriageReturn(ReadOnlySpan<byte> line) =>
        line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;

    /// <summary>Reads more: compacts what is left of the buffer to its front, grows it (up to the line limit) when a line fills it.</summary>
    private void Fill()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            long size = Math.Min((long)_buffer.Length * 2, (long)_maxLine + 2);
            var grown = GC.AllocateUninitializedArray<byte>((int)Math.Max(size, _buffer.Length + 1L));
            _buffer.AsSpan(0, _end).CopyTo(grown);
            _buffer = grown;
        }

        int read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _eof = true;
        }
        else
        {
            _end += read;
        }
    }

    /// <summary>Discards the current over-long line up to and including its newline; returns its length.</summary>
    private long SkipRestOfLine()
    {
        long skipped = _end - _start;
        _start = _end = _scanned = 0;
        while (true)
        {
            int read = _stream.Read(_buffer, 0, _buffer.Length);
            if (read == 0)
            {
                _eof = true;
                return skipped;
            }

            int newline = _buffer.AsSpan(0, read).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                _start = newline + 1;
                _end = read;
                return skipped + newline;
            }

            skipped += read;
        }
    }
}
