using System.IO.Compression;

namespace AntiDistill.Cli.Analyze;

/// <summary>
/// Makes a cut or corrupt gzip log fail loudly. .NET's <see cref="GZipStream"/> ends quietly when its input ends
/// inside a member (a log cut after a flush point reads as a shorter, complete log) unless the runtime switch
/// <see cref="StrictSwitch"/> is on; with it the native inflater still does all the work (same speed), checks
/// each member's CRC-32 and length as before, and throws on a cut, also in the last member of a concatenated file.
/// The switch is read once per process, when <see cref="DeflateStream"/> is first used, so it is set in the
/// runtimeconfig (AntiDistill.Cli.csproj), in <see cref="CliApp"/> for in-process hosts, and checked here before
/// any log is trusted.
/// </summary>
internal static class GzipIntegrity
{
    public const string StrictSwitch = "System.IO.Compression.UseStrictValidation";

    /// <summary>A gzip member of "{}\n" cut before its last block ended: the strict inflater must reject it.</summary>
    private static readonly byte[] CutMember = [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xaa, 0xae, 0xe5];

    private static readonly Lazy<bool> Strict = new(Probe);

    /// <summary>Whether this process's inflater reports a cut member (false if something used gzip before the switch was set).</summary>
    public static bool CutsDetected => Strict.Value;

    /// <summary>Turns the switch on for this process; too late (and harmless) if a <see cref="DeflateStream"/> already ran.</summary>
    public static void Enable() => AppContext.SetSwitch(StrictSwitch, true);

    private static bool Probe()
    {
        try
        {
            using var gzip = new GZipStream(new MemoryStream(CutMember), CompressionMode.Decompress);
            gzip.CopyTo(Stream.Null);
            return false;
        }
        catch (InvalidDataException)
        {
            return true;
        }
    }
}

/// <summary>
/// Sits under the <see cref="GZipStream"/> and records whether the file was read to its end: the inflater asks
/// for more only when it has used up what it holds, so an error before that is damage inside the data, an error
/// after it is a cut, and a clean end without it means bytes after the last member were skipped.
/// </summary>
internal sealed class EndTrackingStream(Stream inner) : Stream
{
    /// <summary>True once a read found no more bytes.</summary>
    public bool ReachedEnd { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int read = inner.Read(buffer);
        ReachedEnd |= read == 0 && !buffer.IsEmpty;
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
