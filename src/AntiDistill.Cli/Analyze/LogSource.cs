using System.IO.Compression;

namespace AntiDistill.Cli.Analyze;

/// <summary>The log file opened for streaming: decompressed when it is gzip (by name or by its magic bytes).</summary>
internal sealed class LogSource : IDisposable
{
    private readonly FileStream _file;

    private LogSource(FileStream file, Stream stream, bool compressed)
    {
        _file = file;
        Stream = stream;
        Compressed = compressed;
        Length = file.Length;
    }

    /// <summary>The lines, decompressed.</summary>
    public Stream Stream { get; }

    public bool Compressed { get; }

    /// <summary>Size of the file on disk.</summary>
    public long Length { get; }

    /// <summary>Bytes of the file read so far (compressed bytes for gzip). Read it on the reading thread.</summary>
    public long Position => _file.Position;

    /// <exception cref="AnalyzeException">The file is missing, a directory, or cannot be opened.</exception>
    public static LogSource Open(string path)
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
            bool gzip = (read == 2 && magic[0] == 0x1f && magic[1] == 0x8b) || path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
            Stream stream = gzip ? new GZipStream(new BufferedStream(file, 256 * 1024), CompressionMode.Decompress) : file;
            return new LogSource(file, stream, gzip);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Stream.Dispose();
        _file.Dispose();
    }
}
