namespace AntiDistill;

/// <summary>
/// Where a request came from and what the host's account database says about the account. Every
/// identifier is a keyed hash (see <see cref="IdentityHasher"/>); 0 means unknown.
/// </summary>
/// <remarks>The engine keeps these for account linkage; the per-account risk does not depend on them.</remarks>
public readonly record struct ClientAttributes
{
    /// <summary>Keyed hash of the client's network prefix (IPv4 /24 or IPv6 /48), see <see cref="IdentityHasher.IpPrefix(System.Net.IPAddress)"/>.</summary>
    public ulong IpPrefix { get; init; }

    /// <summary>Autonomous system number of the client address, or 0.</summary>
    public uint Asn { get; init; }

    /// <summary>Keyed hash of the <c>User-Agent</c>.</summary>
    public ulong UserAgent { get; init; }

    /// <summary>Keyed hash of the TLS client fingerprint (JA3/JA4) set by the edge.</summary>
    public ulong TlsFingerprint { get; init; }

    /// <summary>Keyed hash of the device or browser fingerprint.</summary>
    public ulong Device { get; init; }

    /// <summary>Keyed hash of the payment instrument fingerprint.</summary>
    public ulong Payment { get; init; }

    /// <summary>Keyed hash of the account's e-mail domain.</summary>
    public ulong EmailDomain { get; init; }

    /// <summary>When the account was created, or <c>default</c> when unknown.</summary>
    public DateTimeOffset AccountCreated { get; init; }
}
