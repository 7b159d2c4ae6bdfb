using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace AntiDistill.AspNetCore;

/// <summary>
/// A request body read into a pooled buffer, up to a limit, and the stream the endpoint reads in its place (one
/// object, one allocation per request). The buffer goes back to the pool when the response completes
/// (<see cref="HttpResponse.OnCompleted(Func{object, Task}, object)"/>), not when the endpoint disposes the stream.
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

    /// <summary>The number of bytes read.</summary>
    public int Count => _length;

    /// <summary>Whether the body went past the limit (only a prefix was read; the rest is still in the original stream).</summary>
    public bool TooLarge { get; private set; }

    public byte[] Buffer => _buffer;

    /// <summary>
    /// Reads the body, at most <paramref name="limit"/> bytes (one more tells that it is too large), and puts itself
    /// in its place as a stream that replays what was read followed by whatever was not, so the endpoint reads the
    /// body as if nothing had touched it. Returns null when the declared length is already over the limit
    /// (nothing is read then).
    /// </summary>
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
        var original = request.Body;
        var aborted = context.RequestAborted;
        while (true)
        {
            if (body._length == body._buffer.Length)
            {
                if (body._length > limit)
                {
                    body.TooLarge = true;
                    break;
                }

                body.Grow(limit + 1);
            }

            int read = await original.ReadAsync(body._buffer.AsMemory(body._length), aborted).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            body._length += read;
        }

        body.TooLarge |= body._length > limit;
        body._rest = body.TooLarge ? original : null;
        request.Body = body;
        return body;
    }

    /// <summary>Replaces the body the endpoint will read with <paramref name="rewritten"/> (a degraded request), owned by this instance.</summary>
    public void Replace(HttpRequest request, byte[] rewritten, int length)
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = rewritten;
        _length = length;
        _position = 0;
        _rest = null;
        request.Body = this;

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

    private void Grow(int max)
    {
        int size = (int)Math.Min(max, (long)_buffer.Length * 2);
        var grown = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _length).CopyTo(grown);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = grown;
    }
}
