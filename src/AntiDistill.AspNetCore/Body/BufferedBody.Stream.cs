namespace AntiDistill.AspNetCore;

/// <summary>
/// The request body as the endpoint sees it after the middleware read it: the buffered bytes, then the
/// unread rest of the original stream (when the body was too large to read whole). Seekable when whole.
/// Disposing it (as a <see cref="StreamReader"/> does) keeps the buffer: the response's completion returns it.
/// </summary>
internal sealed partial class BufferedBody : Stream
{
    private int _position;
    private Stream? _rest;

    public override bool CanRead => true;

    public override bool CanSeek => _rest is null;

    public override bool CanWrite => false;

    public override long Length => _rest is null ? _length : throw new NotSupportedException();

    public override long Position
    {
        get => _rest is null ? _position : throw new NotSupportedException();
        set
        {
            if (_rest is not null)
            {
                throw new NotSupportedException();
            }

            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = (int)Math.Min(value, _length);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = Copy(buffer);
        return n > 0 || _rest is null || buffer.IsEmpty ? n : _rest.Read(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = Copy(buffer.Span);
        return n > 0 || _rest is null || buffer.IsEmpty ? ValueTask.FromResult(n) : _rest.ReadAsync(buffer, cancellationToken);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Copy(Span<byte> destination)
    {
        int n = Math.Min(destination.Length, _length - _position);
        if (n <= 0)
        {
            return 0;
        }

        _buffer.AsSpan(_position, n).CopyTo(destination);
        _position += n;
        return n;
    }
}
