using System.IO.Pipelines;

namespace AntiDistill.AspNetCore;

/// <summary>
/// The response's <see cref="PipeWriter"/>, observed: hands out the server's own memory, so the endpoint writes where
/// the server sends from (no copy), and reads each advanced block before passing it on. Withheld reasoning is removed in
/// place, which only ever shortens the block.
/// </summary>
internal sealed class ServedPipeWriter(ServedResponseBody owner) : PipeWriter
{
    private PipeWriter? _inner;
    private Memory<byte> _memory;

    public override bool CanGetUnflushedBytes => Inner.CanGetUnflushedBytes;

    public override long UnflushedBytes => Inner.UnflushedBytes;

    // Taken on first use: a stream-based server creates its PipeWriter lazily, and most proxies write to the stream.
    private PipeWriter Inner => _inner ??= owner.InnerFeature.Writer;

    public void Reset()
    {
        _inner = null;
        _memory = default;
    }

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        owner.Decide(); // before the server's writer starts the response (Kestrel sends headers from its first GetMemory)
        _memory = Inner.GetMemory(sizeHint);
        return _memory;
    }

    public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public override void Advance(int bytes)
    {
        if (owner.Scanning && bytes > 0 && bytes <= _memory.Length)
        {
            var block = _memory.Span[..bytes];
            bytes = owner.Scan(block, block);
        }

        _memory = default;
        Inner.Advance(bytes);
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        owner.Decide();
        return Inner.FlushAsync(cancellationToken);
    }

    public override void CancelPendingFlush() => Inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null) => Inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => Inner.CompleteAsync(exception);
}
