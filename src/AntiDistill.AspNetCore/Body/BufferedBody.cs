using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace AntiDistill.AspNetCore;

/// <summary>
/// A request body read into a pooled buffer, up to a limit. Owned by the response
/// (<see cref="HttpResponse.RegisterForDispose"/>), which returns the buffer when the request ends.
/// </summary>
internal sealed class BufferedBody : IDisposable
{
    private const int InitialSize = 4096;
    private byte[] _buffer;

    private BufferedBody(byte[] buffer) => _buffer = buffer;

    /// <summary>The bytes read.</summary>
    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    public int Length { get; private set; }

    /// <summary>Whether the body went past the limit (only a prefix was read; the rest is still in the original stream).</summary>
    public bool TooLarge { get; private set; }

    public byte[] Buffer => _buffer;

    /// <summary>
    /// Reads the body, at most <paramref name="limit"/> bytes (one more tells that it is too large), and puts a
    /// stream in its place that replays what was read followed by whatever was not, so the endpoint reads the
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
        context.Response.RegisterForDispose(body);
        var original = request.Body;
        while (true)
        {
            if (body.Length == body._buffer.Length)
            {
                if (body.Length > limit)
                {
                    body.TooLarge = true;
                    break;
                }

                body.Grow(limit + 1);
            }

            int read = await original.ReadAsync(body._buffer.AsMemory(body.Length), context.RequestAborted).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            body.Length += read;
        }

        body.TooLarge |= body.Length > limit;
        request.Body = new ReplayStream(body._buffer, body.Length, body.TooLarge ? original : null);
        return body;
    }

    /// <summary>Replaces the body the endpoint will read with <paramref name="rewritten"/> (a degraded request), owned by this instance.</summary>
    public void Replace(HttpRequest request, byte[] rewritten, int length)
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = rewritten;
        Length = length;
        request.Body = new ReplayStream(rewritten, length, rest: null);

        // The body is now whole and of known length: a proxy forwarding it must not also say chunked.
        request.Headers.TransferEncoding = default;
        request.ContentLength = length;
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Grow(int max)
    {
        int size = (int)Math.Min(max, (long)_buffer.Length * 2);
        var grown = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, Length).CopyTo(grown);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = grown;
    }
}
