using System.Globalization;
using System.IO.Compression;
using System.Runtime.CompilerServices;

namespace AntiDistill.AspNetCore;

/// <summary>
/// The capture directory, driven by the writer's single thread: the open file, its rotation by time period and size,
/// gzip members finished on the flush interval, and the deletions that keep the directory inside its retention window
/// and disk budget. Every IO error surfaces as an exception to the writer, which counts it and carries on.
/// </summary>
/// <remarks>
/// A file is written as <c>{prefix}-{start}-{n}.jsonl.gz.open</c> and renamed to <c>.jsonl.gz</c> when closed, so a
/// glob of <c>*.jsonl.gz</c> only ever sees whole files. Names sort by start time. Each flush ends a gzip member, so
/// even a file left open by a crash reads up to its last flush (it is renamed at the next start).
/// </remarks>
internal sealed class CaptureFiles : IDisposable
{
    public const string Extension = ".jsonl.gz";
    private const string OpenExtension = Extension + ".open";
    private const string StampFormat = "yyyyMMdd'T'HHmmssfff'Z'";
    private const int StampLength = 19;

    /// <summary>
    /// A line and its line end go to the compressor in one call, copied together here first: the line end written on
    /// its own was a second deflate call per record (perf at 1,200 requests/s put the compressor's calls at about a
    /// third of the writer's time). Not more than one line: the compressor's output, and so size rotation, keeps
    /// its pace. Longer lines are written in two calls.
    /// </summary>
    private const int LineBufferBytes = 16 * 1024;

    private readonly RequestCaptureOptions _options;
    private readonly TimeProvider _time;
    private readonly string _directory;
    private readonly long _periodMs;
    private readonly byte[] _lineBuffer = new byte[LineBufferBytes];
    private FileStream? _file;
    private GZipStream? _member;
    private string? _openPath;
    private long _openPeriod;
    private long _lastFlushMs;
    private int _sequence;

    public CaptureFiles(RequestCaptureOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _directory = Path.GetFullPath(options.Directory!);
        _periodMs = (long)options.RotateEvery.TotalMilliseconds;
    }

    public bool IsOpen => _file is not null;

    /// <summary>Creates the directory, closes what a previous run left open and applies retention and the budget.</summary>
    public void Start()
    {
        Directory.CreateDirectory(_directory);
        foreach (var open in Directory.EnumerateFiles(_directory, _options.FilePrefix + "-*" + OpenExtension))
        {
            File.Move(open, open[..^".open".Length], overwrite: false);
        }

        Housekeep();
    }

    /// <summary>Appends one line (its line end added) for a record observed at <paramref name="timestampMs"/>, rotating first when due.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see CaptureWriterService.Drain
    public void Append(ReadOnlySpan<byte> line, long timestampMs)
    {
        // Only forward: a record of an earlier period (a long stream ends after shorter ones started later) joins the
        // open file, where the analyzer's reorder window puts it back in order, rather than reopen a closed period.
        if (_file is not null && Period(timestampMs) > _openPeriod)
        {
            Close();
        }

        if (_file is null)
        {
            Open(timestampMs);
        }

        var member = _member ??= new GZipStream(_file!, CompressionLevel.Fastest, leaveOpen: true);
        if (line.Length < _lineBuffer.Length)
        {
            line.CopyTo(_lineBuffer);
            _lineBuffer[line.Length] = (byte)'\n';
            member.Write(_lineBuffer.AsSpan(0, line.Length + 1));
        }
        else
        {
            member.Write(line);
            member.WriteByte((byte)'\n');
        }

        if (_file!.Position >= _options.MaxFileBytes)
        {
            Close();
        }
    }

    /// <summary>Periodic work: finishes the gzip member when the flush interval has passed, closes a file whose period is over.</summary>
    public void Tick()
    {
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (_file is not null && Period(now) > _openPeriod)
        {
            Close();
        }
        else if (_member is not null && now - _lastFlushMs >= (long)_options.FlushInterval.TotalMilliseconds)
        {
            EndMember();
        }
    }

    /// <summary>Closes the open file (finished, renamed to its final name) and applies retention and the budget.</summary>
    public void Close()
    {
        if (_file is null)
        {
            return;
        }

        try
        {
            EndMember();
            _file.Dispose();
        }
        catch
        {
            Abandon();
            throw;
        }

        string path = _openPath!;
        (_file, _openPath) = (null, null);
        File.Move(path, path[..^".open".Length], overwrite: false);
        Housekeep();
    }

    /// <summary>
    /// After an IO error: forgets the open file without writing more to it (what it holds up to its last finished
    /// member stays readable), so the next record starts a fresh one.
    /// </summary>
    public void Abandon()
    {
        var (file, member, path) = (_file, _member, _openPath);
        (_file, _member, _openPath) = (null, null, null);
        try
        {
            member?.Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
        }

        try
        {
            file?.Dispose();
            if (path is not null && File.Exists(path))
            {
                File.Move(path, path[..^".open".Length], overwrite: false);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>
    /// Deletes closed files past the retention window, then the oldest until the closed files and one more file of
    /// <see cref="RequestCaptureOptions.MaxFileBytes"/> (the open one) fit in <see cref="RequestCaptureOptions.MaxTotalBytes"/>.
    /// </summary>
    public void Housekeep()
    {
        var files = new DirectoryInfo(_directory).GetFiles(_options.FilePrefix + "-*" + Extension);
        Array.Sort(files, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        long expiredBefore = now - (long)_options.Retention.TotalMilliseconds;
        long total = _options.MaxFileBytes;
        foreach (var file in files)
        {
            total += file.Length;
        }

        foreach (var file in files)
        {
            // A file never spans past the end of the period it started in: that bounds its newest record.
            bool expired = StartOf(file.Name) is long start && (Period(start) + 1) * _periodMs <= expiredBefore;
            if (expired || total > _options.MaxTotalBytes)
            {
                total -= file.Length;
                file.Delete();
            }
        }
    }

    public void Dispose() => Close();

    private void Open(long timestampMs)
    {
        string stamp = DateTimeOffset.FromUnixTimeMilliseconds(timestampMs).UtcDateTime.ToString(StampFormat, CultureInfo.InvariantCulture);
        for (int attempt = 0; ; attempt++)
        {
            _sequence = (_sequence + 1) % 1_000_000;
            string path = Path.Combine(_directory, string.Create(CultureInfo.InvariantCulture, $"{_options.FilePrefix}-{stamp}-{_sequence:D6}{OpenExtension}"));
            try
            {
                Directory.CreateDirectory(_directory); // deleted under us: recreated rather than failing every record after
                _file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 64 * 1024);
                _openPath = path;
                break;
            }
            catch (IOException) when (attempt < 8 && File.Exists(path))
            {
                // Same millisecond as an earlier file (a restart, a quick size rotation): the next sequence number.
            }
        }

        _openPeriod = Period(timestampMs);
        _lastFlushMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
    }

    /// <summary>Finishes the gzip member (its trailer written), so everything so far reads back even if nothing more is ever written.</summary>
    private void EndMember()
    {
        _lastFlushMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (_member is null)
        {
            return;
        }

        var member = _member;
        _member = null;
        member.Dispose();
        _file!.Flush();
    }

    private long Period(long timestampMs) => Math.DivRem(timestampMs, _periodMs, out long rem) - (rem < 0 ? 1 : 0);

    /// <summary>The start time a file name carries, or null for a name this writer did not make.</summary>
    private long? StartOf(string name)
    {
        int from = _options.FilePrefix.Length + 1;
        return name.Length >= from + StampLength
            && DateTime.TryParseExact(name.AsSpan(from, StampLength), StampFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var start)
            ? new DateTimeOffset(start, TimeSpan.Zero).ToUnixTimeMilliseconds()
            : null;
    }
}
