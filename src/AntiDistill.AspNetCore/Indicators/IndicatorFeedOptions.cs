using System.ComponentModel.DataAnnotations;

namespace AntiDistill.AspNetCore;

/// <summary>
/// One indicator feed: a STIX 2.1 bundle read from a file or an HTTPS URL, refreshed on an interval (with <c>ETag</c>
/// for URLs), whose indicators the engine matches on every request. Set exactly one of <see cref="Path"/> and <see cref="Url"/>.
/// </summary>
public sealed class IndicatorFeedOptions
{
    /// <summary>A local file holding the bundle. Default none.</summary>
    public string? Path { get; set; }

    /// <summary>An HTTPS URL serving the bundle (HTTP only with <see cref="AllowInsecureHttp"/>). Default none.</summary>
    public Uri? Url { get; set; }

    /// <summary>How much the host believes this feed, in [0, 1]: multiplies every indicator's weight. Default 1.</summary>
    [Range(0.0, 1.0)]
    public double Trust { get; set; } = 1;

    /// <summary>How often the feed is read again, 1 second to 7 days. Default 15 minutes.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A fetch taking longer is abandoned (the previous good feed stays), 10 ms to 10 minutes. Default 30 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A larger bundle is rejected unread. Default 256 MiB (about 250,000 indicators).</summary>
    [Range(1L, long.MaxValue)]
    public long MaxBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Allow a plain <c>http://</c> URL (tests on loopback, a sidecar). Default false: a feed is evidence against customers, and must not be forged in transit.</summary>
    public bool AllowInsecureHttp { get; set; }
}
