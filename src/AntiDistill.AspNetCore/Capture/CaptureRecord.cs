using System.Buffers;
using System.Runtime.CompilerServices;

namespace AntiDistill.AspNetCore;

/// <summary>
/// What the log line of one scored request needs, taken on the request path and serialized by the writer: the
/// identities as the engine's keyed hashes, the body's bytes in a pooled array, and what the response served.
/// Pooled: the request path fills one, the writer returns it.
/// </summary>
internal sealed class CaptureRecord
{
    /// <summary>When the engine observed the request (the timestamp it was given), in Unix milliseconds.</summary>
    public long TimestampMs;
    public ulong Account;
    public ulong ApiKey;
    public ulong Organization;
    public ClientAttributes Client;

    /// <summary>The request path as the middleware read it (the analyzer picks the body format by it, as the middleware did).</summary>
    public string? Path;

    /// <summary>The body as received (before any degrade rewrite: the engine scored this), in an array from <see cref="ArrayPool{T}.Shared"/>.</summary>
    public byte[]? Body;
    public int BodyLength;

    /// <summary>Whether the response was observed; a refused request has no served half (the engine was told none).</summary>
    public bool Served;
    public int Status;
    public int InputTokens;
    public int OutputTokens;
    public int ReasoningTokens;

    /// <summary>Whether <see cref="BodyLength"/> counts against the queue's byte bound (set when queued).</summary>
    public bool Queued;

    public ReadOnlySpan<byte> BodySpan => Body.AsSpan(0, BodyLength);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see CaptureWriterService.Drain: on the request path as well
    public void SetBody(ReadOnlySpan<byte> body)
    {
        Body = ArrayPool<byte>.Shared.Rent(Math.Max(1, body.Length));
        body.CopyTo(Body);
        BodyLength = body.Length;
    }

    /// <summary>Returns the body's array and forgets the request (no identity lingers in a pooled object).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see CaptureWriterService.Drain: on the request path as well
    public void Clear()
    {
        if (Body is { } body)
        {
            ArrayPool<byte>.Shared.Return(body);
        }

        Body = null;
        BodyLength = 0;
        Path = null;
        (TimestampMs, Account, ApiKey, Organization, Client) = (0, 0, 0, 0, default);
        (Served, Status, InputTokens, OutputTokens, ReasoningTokens, Queued) = (false, 0, 0, 0, 0, false);
    }
}
