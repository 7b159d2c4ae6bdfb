using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;

namespace AntiDistill.AspNetCore;

/// <summary>
/// A request body read into a pooled buffer, up to a limit, and the stream the endpoint reads in its place (one
/// object). Only for a body that had not arrived whole when the middleware ran (a whole one is scored in the server's
/// own buffer), and for a degraded request's rewritten body. The buffer goes back to the pool when the response
/// completes (<see cref="HttpResponse.OnCompleted(Func{object, Task}, object)"/>), not when the endpoint disposes the stream.
/// </summary>
internal sealed partial class BufferedBody
{
    private const int InitialSize = 4096;

    private static readonly Func<object, Task> ReleaseOnCompleted = static state =>
    {
        ((BufferedBody)state).Release();
        return Task.CompletedTask;
    };

    private byte[] _buffer;
    private int _length;

    private BufferedBody(byte[] buffer) => _buffer = buffer;

    /// <summary>The bytes read.</summary>
    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, _length);

    /// <summary>Whether the body went past the limit (only a prefix was read; the rest is still in the request pipe).</summary>
    public bool TooLarge { get; private set; }

    /// <summary>
    /// Reads the body through the request's <see cref="HttpRequest.BodyReader"/>, at most <paramref name="limit"/>
    /// bytes (one more tells that it is too large), and puts itself in its place as a stream that replays what was read
    /// followed by whatever was not, so the endpoint reads the body as if nothing had touched it. Returns null when the
    /// declared length is already over the limit (nothing is read then).
    /// </summary>
    /// <remarks>
    /// Through the pipe rather than <see cref="HttpRequest.Body"/>: the middleware may have peeked at the pipe first
    /// (<see cref="PipeReader.TryRead"/>), and bytes a stream adapter holds in its pipe must not be skipped. Only what
    /// is copied is consumed, so past the limit the rest stays in the pipe, readable through <see cref="PipeReader.AsStream"/>.
    /// </remarks>
    public static async ValueTask<BufferedBody?> ReadAsync(HttpContext context, int limit)
    {
        var request = context.Request;
        long? declared = request.ContentLength;
        if (declared > limit)
        {
            return null;
        }

        int size = declared is { } d ? (int)Math.Max(1, d + 1) : InitialSize;
        var body = new BufferedBody(ArrayPool<byte>.Shared.Rent(Math.Min(size, limit + 1)));
        context.Response.OnCompleted(ReleaseOnCompleted, body);
        var reader = request.BodyReader;
        while (body._length <= limit)
        {
            // No RequestAborted here: Kestrel's body reader stays "reading" when a read is cancelled through a token
            // (only a connection abort resets it), and its drain at the end of the request then fails with "Reading is
            // already in progress". A client that goes away ends the read anyway, with ConnectionAbortedException.
            var result = await reader.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            var taken = buffer.Slice(0, Math.Min(buffer.Length, limit + 1L - body._length));
            body.Append(taken);
            reader.AdvanceTo(taken.End);
            if (result.IsCompleted && taken.Length == buffer.Length)
            {
                break;
            }
        }

        body.TooLarge = body._length > limit;
        body._rest = body.TooLarge ? reader.AsStream(leaveOpen: true) : null;
        request.Body = body;
        return body;
    }

    /// <summary>
    /// Has the endpoint read <paramref name="rewritten"/> (a degraded request) instead of the body; the pooled array is
    /// this class's from now on and goes back to the pool when the response completes.
    /// </summary>
    public static void Replace(HttpContext context, byte[] rewritten, int length)
    {
        var body = new BufferedBody(rewritten) { _length = length };
        context.Response.OnCompleted(ReleaseOnCompleted, body);
        var request = context.Request;
        request.Body = body;

        // The body is now whole and of known length: a proxy forwarding it must not also say chunked.
        request.Headers.TransferEncoding = default;
        request.ContentLength = length;
    }

    /// <summary>Returns the buffer to the pool (once); reads after this see an empty body.</summary>
    public void Release()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        _length = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Append(in ReadOnlySequence<byte> bytes)
    {
        int needed = _length + (int)bytes.Length;
        if (needed > _buffer.Length)
        {
            var grown = ArrayPool<byte>.Shared.Rent(Math.Max(needed, (int)Math.Min(int.MaxValue, 2L * _buffer.Length)));
            _buffer.AsSpan(0, _length).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = grown;
        }

        bytes.CopyTo(_buffer.AsSpan(_length));
        _length = needed;
    }
}
