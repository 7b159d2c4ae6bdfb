using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace AntiDistill.AspNetCore;

/// <summary>
/// What the log line of one scored request needs, taken on the request path and serialized by the writer: the
/// identities as the engine's keyed hashes, the body's bytes in an array the record keeps (a rented one for a large
/// body), and what the response served. Pooled: the request path fills one, the writer returns it.
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

    /// <summary>
    /// Bodies up to this size are copied into an array the record keeps from use to use. Not
    /// <see cref="ArrayPool{T}.Shared"/>: the request path rents and the writer's thread returns, so under load the
    /// pool's per-thread and per-core caches ran dry on one side and overflowed on the other, and nearly every
    /// captured request allocated a new array. Larger bodies (rare; up to <see cref="RequestCaptureOptions.MaxBodyBytes"/>)
    /// are rented and returned, so that a pooled record never holds more than this.
    /// </summary>
    internal const int KeptBodyBytes = 16 * 1024;

    /// <summary>The body as received (before any degrade rewrite: the engine scored this): the record's own array or a rented one.</summary>
    public byte[]? Body;
    public int BodyLength;
    private byte[] _kept = [];

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
        if (body.Length > KeptBodyBytes)
        {
            Body = ArrayPool<byte>.Shared.Rent(body.Length);
        }
        else
        {
            if (_kept.Length < body.Length)
            {
                // Grows once per record to a power of two (1 KiB at least): a few sizes, then no allocation.
                _kept = new byte[Math.Max(1024, (int)BitOperations.RoundUpToPowerOf2((uint)body.Length))];
            }

            Body = _kept;
        }

        body.CopyTo(Body);
        BodyLength = body.Length;
    }

    /// <summary>Returns a rented body's array and forgets the request (no identity lingers in a pooled object; the kept array's old bytes are never read, only overwritten).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see CaptureWriterService.Drain: on the request path as well
    public void Clear()
    {
        if (Body is { } body && !ReferenceEquals(body, _kept))
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
