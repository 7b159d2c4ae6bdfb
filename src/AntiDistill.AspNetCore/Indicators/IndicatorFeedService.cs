using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AntiDistill.AspNetCore;

/// <summary>
/// Reads every registered feed in the background, first right after start and then on each feed's interval, and swaps
/// a newly compiled <see cref="IndicatorSet"/> of all the good feeds into the engine when one changes. A feed read that
/// fails (unreadable, not JSON, not STIX, oversized, timed out, nothing the engine can evaluate, everything expired) is
/// rejected with one log line and a metric; the feed's previous good content stays in the set.
/// </summary>
internal sealed class IndicatorFeedService : BackgroundService
{
    private readonly DistillationEngine _engine;
    private readonly IOptionsMonitor<IndicatorFeedOptions> _options;
    private readonly IndicatorMatchOptions _match;
    private readonly IndicatorFeedMetrics _metrics;
    private readonly IndicatorFeedStatus _status;
    private readonly TimeProvider _time;
    private readonly ILogger<IndicatorFeedService> _logger;
    private readonly Feed[] _feeds;
    private readonly HttpClient _http = new(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.All }) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };

    public IndicatorFeedService(DistillationEngine engine, IEnumerable<IndicatorFeedName> names, IOptionsMonitor<IndicatorFeedOptions> options,
        IOptions<IndicatorMatchOptions> match, IndicatorFeedMetrics metrics, IndicatorFeedStatus status, TimeProvider time, ILogger<IndicatorFeedService> logger)
    {
        _status = status;
        _engine = engine;
        _options = options;
        _match = match.Value;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _feeds = [.. names.Select(n => n.Name).Distinct(StringComparer.Ordinal).Select(n => new Feed(n))];
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // start returns at once: a slow feed never holds the host's start
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await RefreshDueAsync(stoppingToken).ConfigureAwait(false);
                var next = _feeds.Min(f => f.Due) - _time.GetUtcNow();
                await Task.Delay(next > TimeSpan.Zero ? next : TimeSpan.FromMilliseconds(1), _time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Reads every feed that is due; recompiles and swaps the set when any changed.</summary>
    internal async Task RefreshDueAsync(CancellationToken cancellationToken)
    {
        bool changed = false;
        foreach (var feed in _feeds)
        {
            if (feed.Due > _time.GetUtcNow())
            {
                continue;
            }

            var options = _options.Get(feed.Name);
            feed.Due = _time.GetUtcNow() + options.RefreshInterval;
            changed |= await RefreshAsync(feed, options, cancellationToken).ConfigureAwait(false);
        }

        if (changed)
        {
            var set = IndicatorSet.Compile(_feeds.Where(f => f.Content is not null).Select(f => f.Content!.Value), _engine.Identities, _match);
            _engine.Indicators = set;
            _metrics.Active(set.Count);
        }
    }

    private async Task<bool> RefreshAsync(Feed feed, IndicatorFeedOptions options, CancellationToken cancellationToken)
    {
        byte[]? bytes;
        string? etag;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Timeout);
            (bytes, etag) = options.Url is { } url
                ? await FetchAsync(url, feed.ETag, options.MaxBytes, timeout.Token).ConfigureAwait(false)
                : await ReadFileAsync(options.Path!, options.MaxBytes, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Reject(feed, "timeout", $"no complete answer within {options.Timeout}");
        }
        catch (FeedTooLargeException e)
        {
            return Reject(feed, "oversized", e.Message);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or UnauthorizedAccessException)
        {
            return Reject(feed, "unreadable", e.Message);
        }

        if (bytes is null)
        {
            _status.Good(feed.Name, _time.GetUtcNow()); // the server vouched the content we hold is current
            Log.FeedUnchanged(_logger, feed.Name);
            return false;
        }

        IndicatorBundle bundle;
        try
        {
            bundle = StixBundleReader.Read(bytes);
        }
        catch (StixFormatException e)
        {
            return Reject(feed, e.InnerException is System.Text.Json.JsonException ? "not_json" : "invalid_stix", e.Message);
        }

        var indicators = bundle.Indicators.ToList();
        if (indicators.Count == 0)
        {
            return Reject(feed, bundle.SkippedPatterns > 0 ? "unknown_patterns" : "empty",
                $"{bundle.SkippedPatterns} indicators, none with a pattern the engine can evaluate");
        }

        var now = _time.GetUtcNow();
        if (indicators.All(i => i.ValidUntil is { } until && until + _match.FadeAfterExpiry <= now))
        {
            return Reject(feed, "expired", "every indicator's valid_until (plus the fade period) has passed");
        }

        var content = new IndicatorFeedContent(indicators, options.Trust);
        int compiled = IndicatorSet.Compile([content], _engine.Identities, _match).Count;
        if (compiled == 0)
        {
            return Reject(feed, "unknown_patterns", "no indicator's value is one the engine can evaluate");
        }

        feed.Content = content;
        feed.ETag = etag;
        _metrics.Loaded(feed.Name);
        _status.Good(feed.Name, now);
        int active = 0;
        foreach (var f in _feeds)
        {
            active += f.Content?.Indicators.Count ?? 0;
        }

        Log.FeedLoaded(_logger, feed.Name, compiled, bundle.Producer, bundle.SkippedPatterns + (indicators.Count - compiled), active);
        return true;
    }

    private bool Reject(Feed feed, string reason, string detail)
    {
        _metrics.Rejected(feed.Name, reason);
        _status.Failed(feed.Name, reason, _time.GetUtcNow());
        Log.FeedRejected(_logger, feed.Name, reason, detail);
        return false;
    }

    /// <summary>GET with <c>If-None-Match</c>; null bytes when the server says 304 Not Modified.</summary>
    private async Task<(byte[]?, string?)> FetchAsync(Uri url, string? etag, long maxBytes, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (etag is not null && EntityTagHeaderValue.TryParse(etag, out var tag))
        {
            request.Headers.IfNoneMatch.Add(tag);
        }

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotModified)
        {
            return (null, etag);
        }

        response.EnsureSuccessStatusCode();
        if (response.Content.Headers.ContentLength > maxBytes)
        {
            throw new FeedTooLargeException(maxBytes);
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return (await ReadBoundedAsync(stream, maxBytes, cancellationToken).ConfigureAwait(false), response.Headers.ETag?.ToString());
        }
    }

    private static async Task<(byte[]?, string?)> ReadFileAsync(string path, long maxBytes, CancellationToken cancellationToken)
    {
        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            return (await ReadBoundedAsync(stream, maxBytes, cancellationToken).ConfigureAwait(false), null);
        }
    }

    /// <summary>Reads at most <paramref name="maxBytes"/>: a server that lies about (or omits) its length cannot make the host buffer more.</summary>
    private static async Task<byte[]> ReadBoundedAsync(Stream stream, long maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new FeedTooLargeException(maxBytes);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private sealed class Feed(string name)
    {
        public string Name { get; } = name;

        public DateTimeOffset Due { get; set; } = DateTimeOffset.MinValue;

        public IndicatorFeedContent? Content { get; set; }

        public string? ETag { get; set; }
    }

    private sealed class FeedTooLargeException(long maxBytes) : Exception($"larger than MaxBytes ({maxBytes:N0} bytes)");
}
