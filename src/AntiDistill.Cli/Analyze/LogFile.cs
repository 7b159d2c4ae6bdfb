using System.Globalization;
using System.IO.Compression;

namespace AntiDistill.Cli.Analyze;

/// <summary>One log file opened for streaming: decompressed when it is gzip (by its magic bytes; a .gz name without them is an error).</summary>
internal sealed class LogFile : IDisposable
{
    private readonly FileStream _file;
    private readonly EndTrackingStream? _compressed;

    private LogFile(string path, FileStream file, Stream stream, EndTrackingStream? compressed)
    {
        FilePath = path;
        _file = file;
        _compressed = compressed;
        Stream = stream;
        Length = file.Length;
    }

    /// <summary>The log as named on the command line.</summary>
    public string FilePath { get; }

    /// <summary>The lines, decompressed.</summary>
    public Stream Stream { get; }

    public bool Compressed => _compressed is not null;

    /// <summary>What was wrong with the archive when it was not read whole (see <see cref="Damaged"/>), or null.</summary>
    public string? Damage { get; private set; }

    /// <summary>Size of the file on disk.</summary>
    public long Length { get; }

    /// <summary>Bytes of the file read so far (compressed bytes for gzip). Read it on the reading thread.</summary>
    public long Position => _file.Position;

    /// <exception cref="AnalyzeException">The file is missing, a directory, or cannot be opened.</exception>
    public static LogFile Open(string path)
    {
        if (Directory.Exists(path))
        {
            throw new AnalyzeException($"'{path}' is a directory, not a request log.", ExitCodes.Input);
        }

        if (!File.Exists(path))
        {
            throw new AnalyzeException($"'{path}' does not exist.", ExitCodes.Input);
        }

        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AnalyzeException($"cannot open '{path}': {e.Message}", ExitCodes.Input);
        }

        try
        {
            Span<byte> magic = stackalloc byte[2];
            int read = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
            file.Position = 0;
            bool gzipMagic = read == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
            if (!gzipMagic && path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
            {
                throw new AnalyzeException($"'{path}' is not a gzip file (its name ends in .gz, its first bytes are not gzip's).", ExitCodes.Input);
            }

            if (!gzipMagic)
            {
                return new LogFile(path, file, file, null);
            }

            if (!GzipIntegrity.CutsDetected)
            {
                // Without the switch a cut archive reads as a complete shorter log: refuse rather than risk that.
                throw new AnalyzeException($"cannot check '{path}' for truncation: gzip was used in this process before "
                    + $"{GzipIntegrity.StrictSwitch} was set (set it in the host's runtimeconfig).", ExitCodes.Input);
            }

            var tracked = new EndTrackingStream(new BufferedStream(file, 256 * 1024));
            return new LogFile(path, file, new GZipStream(tracked, CompressionMode.Decompress), tracked);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Records why reading stopped early, when <paramref name="error"/> is the archive's fault; the records
    /// before it stay valid (every gzip member the inflater finished passed its CRC-32 and length check).
    /// </summary>
    /// <returns>False when the error is not damage to the archive (the caller rethrows).</returns>
    public bool Damaged(Exception error, long linesRead)
    {
        if (_compressed is null || error is not InvalidDataException)
        {
            return false;
        }

        Damage = _compressed.ReachedEnd
            ? string.Create(CultureInfo.InvariantCulture,
                $"'{FilePath}' is truncated: the file ends inside a gzip member, after line {linesRead:N0}; what followed the cut is lost")
            : string.Create(CultureInfo.InvariantCulture,
                $"'{FilePath}' is corrupt: gzip data after line {linesRead:N0} fails its check (invalid compressed data, or a CRC-32 or length mismatch); the rest of the file was not read");
        return true;
    }

    /// <summary>After a clean end: a file the inflater stopped reading before its end has bytes after the last member, which it skipped.</summary>
    public void CheckFullyRead(long linesRead)
    {
        if (_compressed is { ReachedEnd: false } && Damage is null)
        {
            Damage = string.Create(CultureInfo.InvariantCulture,
                $"'{FilePath}' is corrupt: bytes after the last complete gzip member (after line {linesRead:N0}) are not gzip and were skipped");
        }
    }

    public void Dispose()
    {
        Stream.Dispose();
        _file.Dispose();
    }
}
