namespace AntiDistill.AspNetCore;

/// <summary>How reading a response went (<see cref="IAntiDistillationFeature.ResponseStatus"/>).</summary>
public enum ResponseReadStatus
{
    /// <summary>Not read: the response is still running, was neither JSON nor server-sent events, or had no body.</summary>
    NotRead = 0,

    /// <summary>A well-formed response whose usage was read.</summary>
    Ok = 1,

    /// <summary>A well-formed response without usage (an error body, a stream sent without <c>stream_options.include_usage</c>).</summary>
    NoUsage = 2,

    /// <summary>Not what it claimed to be: broken event framing, invalid or truncated JSON (an upstream that died mid-stream). Passed on untouched.</summary>
    Malformed = 3,

    /// <summary>The client went away before the response completed.</summary>
    Aborted = 4,

    /// <summary>Compressed (<c>Content-Encoding</c>), so passed on unread: put response compression before the middleware, or let the upstream send it uncompressed.</summary>
    Encoded = 5,
}
