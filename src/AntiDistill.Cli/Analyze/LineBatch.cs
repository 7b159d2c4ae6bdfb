namespace AntiDistill.Cli.Analyze;

/// <summary>
/// A run of consecutive log lines handed from the reader to a parsing thread, and the parsed records and
/// bad lines handed on to replay. Batches carry a sequence number so replay takes them in file order
/// whichever thread finished first; they are recycled, so buffers reach steady state.
/// </summary>
internal sealed class LineBatch
{
    public const int TargetBytes = 512 * 1024;
    public const int MaxLines = 1024;

    public long Sequence { get; set; }

    /// <summary>Raw line bytes (CR/LF stripped), back to back.</summary>
    public byte[] Data { get; private set; } = new byte[TargetBytes];

    public int DataLength { get; private set; }

    public int LineCount { get; private set; }

    public int[] LineStarts { get; } = new int[MaxLines];

    public int[] LineLengths { get; } = new int[MaxLines];

    public long[] LineNumbers { get; } = new long[MaxLines];

    /// <summary>Lines the file holds up to and including this batch (bad and too long ones too).</summary>
    public long LinesThrough { get; set; }

    /// <summary>Input bytes (compressed, for gzip) consumed when this batch was cut, for progress.</summary>
    public long InputPosition { get; set; }

    /// <summary>Bad lines (line number, reason), from the reader (too long) and from parsing; not necessarily sorted.</summary>
    public List<(long Line, string Reason)> BadLines { get; } = [];

    public LogRecord[] Records { get; } = new LogRecord[MaxLines];

    public int RecordCount { get; set; }

    /// <summary>Unescaped account names of the records, back to back.</summary>
    public byte[] Names { get; private set; } = new byte[16 * 1024];

    public int NamesLength { get; private set; }

    /// <summary>Set by the parsing thread when <see cref="Records"/> and <see cref="BadLines"/> are complete.</summary>
    public ManualResetEventSlim Parsed { get; } = new(false);

    public bool IsFull => LineCount == MaxLines || DataLength >= TargetBytes || BadLines.Count >= MaxLines;

    public ReadOnlySpan<byte> LineAt(int index) => Data.AsSpan(LineStarts[index], LineLengths[index]);

    public ReadOnlySpan<byte> NameOf(in LogRecord record) => Names.AsSpan(record.NameStart, record.NameLength);

    public void AddLine(ReadOnlySpan<byte> line, long number)
    {
        if (DataLength + line.Length > Data.Length)
        {
            var grown = GC.AllocateUninitializedArray<byte>(Math.Max(DataLength + line.Length, Data.Length * 2));
            Data.AsSpan(0, DataLength).CopyTo(grown);
            Data = grown;
        }

        line.CopyTo(Data.AsSpan(DataLength));
        LineStarts[LineCount] = DataLength;
        LineLengths[LineCount] = line.Length;
        LineNumbers[LineCount] = number;
        LineCount++;
        DataLength += line.Length;
    }

    /// <summary>Room for <paramref name="length"/> more name bytes; commit with <see cref="CommitName"/>.</summary>
    public Span<byte> ReserveName(int length)
    {
        if (NamesLength + length > Names.Length)
        {
            var grown = new byte[Math.Max(NamesLength + length, Names.Length * 2)];
            Names.AsSpan(0, NamesLength).CopyTo(grown);
            Names = grown;
        }

        return Names.AsSpan(NamesLength, length);
    }

    public int CommitName(int length)
    {
        int start = NamesLength;
        NamesLength += length;
        return start;
    }

    public void Reset()
    {
        Sequence = 0;
        DataLength = 0;
        LineCount = 0;
        LinesThrough = 0;
        InputPosition = 0;
        BadLines.Clear();
        RecordCount = 0;
        NamesLength = 0;
        Parsed.Reset();

        // A batch that once held a 4 MiB line does not keep that buffer forever.
        if (Data.Length > 4 * TargetBytes)
        {
            Data = new byte[TargetBytes];
        }
    }
}
