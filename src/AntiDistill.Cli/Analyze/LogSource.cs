namespace AntiDistill.Cli.Analyze;

/// <summary>
/// What one <c>analyze</c> run reads: one or more log files (a directory stands for its closed logs), read one after
/// the other in the order given, each opened only while it is read.
/// </summary>
/// <remarks>
/// Several files rather than one: request capture rotates its output (a file an hour by default), so a day is two
/// dozen files. Damage is judged per file: the cut member a crash leaves at the end of one capture file loses what
/// followed the cut in that file only, and the next file is read as usual (concatenated into one archive, as
/// <c>cat</c> would, the cut would have ended the whole run there). Every file is opened once before any is read, so a
/// missing or unreadable file fails the run before the work, not an hour into it.
/// </remarks>
internal sealed class LogSource : IDisposable
{
    private readonly string[] _paths;
    private readonly long[] _lengths;
    private readonly List<string> _damage = [];
    private LogFile? _current;
    private long _bytesBefore;

    private LogSource(string[] paths, long[] lengths, bool compressed)
    {
        _paths = paths;
        _lengths = lengths;
        Compressed = compressed;
        Length = lengths.Sum();
    }

    /// <summary>Whether any file is gzip.</summary>
    public bool Compressed { get; }

    /// <summary>Total size of the files on disk.</summary>
    public long Length { get; }

    /// <summary>Bytes of the files read so far (compressed bytes for gzip). Read it on the reading thread.</summary>
    public long Position => _bytesBefore + (_current?.Position ?? 0);

    /// <summary>What was wrong with the files not read whole, one sentence each, or null when every file was read whole.</summary>
    public string? Damage => _damage.Count == 0 ? null : string.Join("; ", _damage);

    /// <summary>Expands directories and opens every file once, to fail before any work on a missing, unreadable or mislabeled one.</summary>
    /// <exception cref="AnalyzeException">No file given, a path missing or unreadable, a directory with no log, or a .gz that is not gzip.</exception>
    public static LogSource Open(IReadOnlyList<string> paths)
    {
        var files = paths.SelectMany(Expand).ToArray();
        if (files.Length == 0)
        {
            throw new AnalyzeException("no request log given.", ExitCodes.Input);
        }

        var lengths = new long[files.Length];
        bool compressed = false;
        for (int i = 0; i < files.Length; i++)
        {
            using var file = LogFile.Open(files[i]);
            lengths[i] = file.Length;
            compressed |= file.Compressed;
        }

        return new LogSource(files, lengths, compressed);
    }

    /// <summary>
    /// Each file in turn, opened for reading; the previous one is closed when the next is asked for. Call
    /// <see cref="Ended"/> after each (or <see cref="Damaged"/> when its reading failed).
    /// </summary>
    public IEnumerable<LogFile> Files()
    {
        for (int i = 0; i < _paths.Length; i++)
        {
            _current = LogFile.Open(_paths[i]);
            try
            {
                yield return _current;
            }
            finally
            {
                _current.Dispose();
                _current = null;
                _bytesBefore += _lengths[i];
            }
        }
    }

    /// <summary>
    /// Records why reading the current file stopped early, when <paramref name="error"/> is its archive's fault;
    /// the records before it stay valid.
    /// </summary>
    /// <returns>False when the error is not damage to the archive (the caller rethrows).</returns>
    public bool Damaged(Exception error, long linesRead)
    {
        if (_current is null || !_current.Damaged(error, linesRead))
        {
            return false;
        }

        _damage.Add(_current.Damage!);
        return true;
    }

    /// <summary>After the current file's end: records bytes its inflater skipped, if any (nothing more when it was already damaged).</summary>
    public void Ended(long linesRead)
    {
        if (_current is null)
        {
            return;
        }

        if (_current.Damage is not null)
        {
            return; // recorded by Damaged
        }

        _current.CheckFullyRead(linesRead);
        if (_current.Damage is { } damage)
        {
            _damage.Add(damage);
        }
    }

    public void Dispose()
    {
        _current?.Dispose();
        _current = null;
    }

    /// <summary>A file as it is; a directory as its logs (<c>*.jsonl</c>, <c>*.jsonl.gz</c>) in ordinal name order, which is time order for capture files.</summary>
    private static IEnumerable<string> Expand(string path)
    {
        if (!Directory.Exists(path))
        {
            return [path]; // LogFile.Open says what is wrong with it, if anything
        }

        string[] logs;
        try
        {
            logs = Directory.EnumerateFiles(path)
                .Where(f => f.EndsWith(".jsonl", StringComparison.Ordinal) || f.EndsWith(".jsonl.gz", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AnalyzeException($"cannot list '{path}': {e.Message}", ExitCodes.Input);
        }

        return logs.Length > 0 ? logs
            : throw new AnalyzeException($"'{path}' is a directory with no request log in it (*.jsonl, *.jsonl.gz).", ExitCodes.Input);
    }
}
