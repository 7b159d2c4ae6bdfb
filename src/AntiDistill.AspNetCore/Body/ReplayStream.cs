namespace AntiDistill.AspNetCore;

/// <summary>
/// The request body as the endpoint sees it after the middleware read it: the buffered bytes, then the
/// unread rest of the original stream (when the body was too large to read whole). Seekable when whole.
/// </summary>
internal sealed class ReplayStream(byte[] buffer, int length, Stream? rest) : Stream
{
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => rest is null;

    public override bool CanWrite => false;

    public override long Length => rest is null ? length : throw new NotSupportedException();

    public override long Position
    {
        get => rest is null ? _position : throw new NotSupportedException();
        set
        {
            if (rest is not null)
            {
                throw new NotSupportedException();
            }

            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = (int)Math.Min(value, length);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = Copy(buffer);
        return n > 0 || rest is null || buffer.IsEmpty ? n : rest.Read(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = Copy(buffer.Span);
        return n > 0 || rest is null || buffer.IsEmpty ? ValueTask.FromResult(n) : rest.ReadAsync(buffer, cancellationToken);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => length + offset,
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
        int n = Math.Min(destination.Length, length - _position);
        if (n <= 0)
        {
            return 0;
        }

        buffer.AsSpan(_position, n).CopyTo(destination);
        _position += n;
        return n;
    }
}
