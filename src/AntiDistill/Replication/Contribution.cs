using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AntiDistill;

/// <summary>
/// One node's contribution to one account, as it travels through the store: a 28-byte header, then the state's
/// fixed-size parts copied as they lie in memory (no per-field encoding, no allocation).
/// </summary>
/// <remarks>
/// Layout: node id (8) and incarnation (8), which together are the contributor key; format version (1); flags (1);
/// a fingerprint of the part sizes (2), so nodes running a build with another layout ignore each other's
/// contributions instead of misreading them; written-at in Unix ms (8); then the parts, and the latest link
/// attributes when flag 1 is set. Little-endian hosts only (every .NET server platform); decoded counts are
/// checked before use, since a store is outside the process.
/// </remarks>
internal struct Contribution
{
    public const int KeyLength = 16;
    public const int HeaderLength = 28;
    private const byte Version = 1;
    private const byte HasAttributes = 1;

    public static readonly int PartsLength = Unsafe.SizeOf<ContributionParts>();

    public static readonly int MaxLength = HeaderLength + PartsLength + Unsafe.SizeOf<LinkAttributes>();

    private static readonly ushort Fingerprint = (ushort)(WordHash.Mix(((ulong)Version << 48) | ((ulong)PartsLength << 16) | (uint)Unsafe.SizeOf<LinkAttributes>()) >> 48);

    public ulong Node;
    public ulong Incarnation;
    public long WrittenAtMs;
    public ContributionParts Parts;
    public bool HasLinkAttributes;
    public LinkAttributes Attributes;

    /// <summary>Writes the contribution; returns the bytes written. <paramref name="destination"/> must hold <see cref="MaxLength"/>.</summary>
    public readonly int Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, Node);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], Incarnation);
        destination[16] = Version;
        destination[17] = HasLinkAttributes ? HasAttributes : (byte)0;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[18..], Fingerprint);
        BinaryPrimitives.WriteInt64LittleEndian(destination[20..], WrittenAtMs);
        int at = HeaderLength;
        Put(destination, ref at, Parts);
        if (HasLinkAttributes)
        {
            Put(destination, ref at, Attributes);
        }

        return at;
    }

    /// <summary>Reads the header only; false when it is not a contribution of this format.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> source, out ulong node, out ulong incarnation, out long writtenAtMs)
    {
        node = incarnation = 0;
        writtenAtMs = 0;
        if (source.Length < HeaderLength || source[16] != Version || BinaryPrimitives.ReadUInt16LittleEndian(source[18..]) != Fingerprint)
        {
            return false;
        }

        node = BinaryPrimitives.ReadUInt64LittleEndian(source);
        incarnation = BinaryPrimitives.ReadUInt64LittleEndian(source[8..]);
        writtenAtMs = BinaryPrimitives.ReadInt64LittleEndian(source[20..]);
        return true;
    }

    /// <summary>Decodes a contribution; false when it is truncated, of another format, or carries impossible counts.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out Contribution contribution)
    {
        contribution = default;
        if (!TryReadHeader(source, out contribution.Node, out contribution.Incarnation, out contribution.WrittenAtMs))
        {
            return false;
        }

        bool attributes = (source[17] & HasAttributes) != 0;
        int expected = HeaderLength + PartsLength + (attributes ? Unsafe.SizeOf<LinkAttributes>() : 0);
        if (source.Length != expected)
        {
            return false;
        }

        int at = HeaderLength;
        contribution.Parts = Take<ContributionParts>(source, ref at);
        contribution.HasLinkAttributes = attributes;
        if (attributes)
        {
            contribution.Attributes = Take<LinkAttributes>(source, ref at);
        }

        // Merges assume non-negative counts: anything else did not come from an engine, so it is refused whole.
        ref readonly var parts = ref contribution.Parts;
        return parts.Activity.IsValid() && parts.Gaps.Count >= 0 && parts.Gaps.SessionGaps >= 0 && parts.Gaps.SessionGaps <= parts.Gaps.Count && double.IsFinite(parts.Gaps.Mean)
            && double.IsFinite(parts.Gaps.StandardDeviation) && parts.Templates.TopCount >= 0;
    }

    private static void Put<T>(Span<byte> destination, ref int at, in T value)
        where T : struct
    {
        MemoryMarshal.Write(destination[at..], in value);
        at += Unsafe.SizeOf<T>();
    }

    private static T Take<T>(ReadOnlySpan<byte> source, ref int at)
        where T : struct
    {
        var value = MemoryMarshal.Read<T>(source[at..]);
        at += Unsafe.SizeOf<T>();
        return value;
    }
}
