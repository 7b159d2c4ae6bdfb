using System.Buffers;
using System.IO.Pipelines;
using AntiDistill.Requests;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace AntiDistill.AspNetCore;

/// <summary>
/// The response body of a scored request, observed as it is written: it replaces <see cref="IHttpResponseBodyFeature"/>
/// for the rest of the pipeline (as ASP.NET Core's response compression does) and passes every write on at once, after
/// the <see cref="ResponseScanner"/> has read it. Nothing is buffered and nothing is delayed: time to first byte and
/// memory per stream do not change, whatever the response's length. Pooled, with its scanner, across requests.
/// </summary>
/// <remarks>
/// Which bytes are read is decided at the first write, when the headers are final: JSON and server-sent events of an
/// identity encoding; anything else (a compressed or binary body) passes through unread. When the policy withholds
/// reasoning from a 2xx response, reasoning strings are blanked as they pass, and a JSON body's <c>Content-Length</c> is
/// dropped (the body gets shorter; it goes chunked). Anthropic's thinking blocks are never touched: each carries a
/// signature that the client must send back unmodified in later turns, so a changed block would break the conversation;
/// reasoning is withheld from Anthropic requests request-side instead (thinking turned off, as degrade does).
/// </remarks>
internal sealed class ServedResponseBody : Stream, IHttpResponseBodyFeature
{
    private const int ScratchBytes = 16 * 1024;

    private readonly ServedPipeWriter _writer;
    private HttpContext? _context;
    private IHttpResponseBodyFeature? _inner;
    private RequestFormat _format;
    private bool _withhold;
    private Mode _mode;
    private byte[]? _scratch;

    public ServedResponseBody() => _writer = new ServedPipeWriter(this);

    private enum Mode : byte
    {
        Undecided,
        Scan,
        Unread,
        Encoded,
        Failed,
    }

    public ResponseScanner Scanner { get; } = new();

    public IHttpResponseBodyFeature InnerFeature => _inner!;

    public bool Scanning => _mode == Mode.Scan;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    Stream IHttpResponseBodyFeature.Stream => this;

    PipeWriter IHttpResponseBodyFeature.Writer => _writer;

    /// <summary>Puts this body in front of the server's for <paramref name="context"/>.</summary>
    public void Attach(HttpContext context, RequestFormat format, bool withhold)
    {
        _context = context;
        _inner = context.Features.Get<IHttpResponseBodyFeature>()!;
        _format = format;
        _withhold = withhold;
        _mode = Mode.Undecided;
        context.Features.Set<IHttpResponseBodyFeature>(this);
    }

    /// <summary>Gives the server its body back and tells what was read; this instance can then serve another request.</summary>
    public ResponseReadStatus Detach(bool aborted, out ServedScan scan)
    {
        _context!.Features.Set(_inner);
        scan = _mode == Mode.Scan ? Scanner.Complete() : default;
        var status = aborted ? ResponseReadStatus.Aborted
            : _mode == Mode.Encoded ? ResponseReadStatus.Encoded
            : _mode == Mode.Failed ? ResponseReadStatus.Malformed
            : _mode != Mode.Scan ? ResponseReadStatus.NotRead
            : scan.Malformed ? ResponseReadStatus.Malformed
            : scan.SawUsage ? ResponseReadStatus.Ok
            : ResponseReadStatus.NoUsage;
        if (_scratch is { } scratch)
        {
            ArrayPool<byte>.Shared.Return(scratch);
            _scratch = null;
        }

        _writer.Reset();
        _context = null;
        _inner = null;
        return status;
    }

    /// <summary>Decides, once the headers are final (the first write, flush or start), whether and how the body is read.</summary>
    public void Decide()
    {
        if (_mode != Mode.Undecided)
        {
            return;
        }

        var response = _context!.Response;
        var encoding = response.Headers.ContentEncoding;
        if (encoding.Count > 0 && !string.Equals(encoding.ToString(), "identity", StringComparison.OrdinalIgnoreCase))
        {
            _mode = Mode.Encoded;
            return;
        }

        var type = MediaType(response.ContentType);
        bool sse = type.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase);
        if (!sse && !type.Equals("application/json", StringComparison.OrdinalIgnoreCase) && !type.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
        {
            _mode = Mode.Unread;
            return;
        }

        Scanner.Reset(_format, sse, _withhold && response.StatusCode is >= 200 and < 300);
        if (Scanner.Strips)
        {
            if (!response.HasStarted)
            {
                response.ContentLength = null; // the body gets shorter
            }

            _scratch = ArrayPool<byte>.Shared.Rent(ScratchBytes);
        }

        _mode = Mode.Scan;
    }

    /// <summary>Reads a block (and writes what the client gets into <paramref name="output"/> when stripping); returns its length.</summary>
    /// <remarks>
    /// The scanner does not throw on any input (a property test feeds it arbitrary bytes); the guard is for a bug in
    /// it, which must cost the observation, never the response: the block and the rest go on as they are.
    /// </remarks>
    public int Scan(ReadOnlySpan<byte> input, Span<byte> output)
    {
        try
        {
            return Scanner.Process(input, output);
        }
#pragma warning disable CA1031 // see remarks
        catch (Exception)
#pragma warning restore CA1031
        {
            _mode = Mode.Failed;
            if (!output.IsEmpty && !output.Overlaps(input))
            {
                input.CopyTo(output);
            }

            return input.Length;
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Decide();
        var inner = _inner!.Stream;
        if (_mode != Mode.Scan)
        {
            inner.Write(buffer);
            return;
        }

        if (!Scanner.Strips)
        {
            Scan(buffer, default);
            inner.Write(buffer);
            return;
        }

        while (!buffer.IsEmpty)
        {
            var slice = buffer[..Math.Min(buffer.Length, _scratch!.Length)];
            inner.Write(_scratch, 0, Scan(slice, _scratch));
            buffer = buffer[slice.Length..];
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Decide();
        var inner = _inner!.Stream;
        if (_mode != Mode.Scan)
        {
            return inner.WriteAsync(buffer, cancellationToken);
        }

        if (!Scanner.Strips)
        {
            Scan(buffer.Span, default);
            return inner.WriteAsync(buffer, cancellationToken);
        }

        // One slice through the scratch buffer, synchronously up to the server's write: no state machine per chunk.
        if (buffer.Length <= _scratch!.Length)
        {
            return inner.WriteAsync(_scratch.AsMemory(0, Scan(buffer.Span, _scratch)), cancellationToken);
        }

        return WriteSlicesAsync(inner, buffer, cancellationToken);
    }

    public override void Flush()
    {
        Decide();
        _inner!.Stream.Flush();
    }

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        Decide();
        return _inner!.Stream.FlushAsync(cancellationToken);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public void DisableBuffering() => _inner!.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        Decide();
        return _inner!.StartAsync(cancellationToken);
    }

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
    {
        Decide();
        return _mode == Mode.Scan
            ? SendFileFallback.SendFileAsync(this, path, offset, count, cancellationToken)
            : _inner!.SendFileAsync(path, offset, count, cancellationToken);
    }

    public Task CompleteAsync() => _inner!.CompleteAsync();

    /// <summary>The endpoint disposing <c>Response.Body</c> must not end a pooled instance.</summary>
    protected override void Dispose(bool disposing) => base.Dispose(disposing); // Stream's own does nothing more

    private static ReadOnlySpan<char> MediaType(string? contentType)
    {
        var type = contentType.AsSpan();
        int semicolon = type.IndexOf(';');
        return (semicolon < 0 ? type : type[..semicolon]).Trim();
    }

    private async ValueTask WriteSlicesAsync(Stream inner, ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        while (!buffer.IsEmpty)
        {
            var slice = buffer[..Math.Min(buffer.Length, _scratch!.Length)];
            int kept = Scan(slice.Span, _scratch);
            await inner.WriteAsync(_scratch.AsMemory(0, kept), cancellationToken).ConfigureAwait(false);
            buffer = buffer[slice.Length..];
        }
    }
}
