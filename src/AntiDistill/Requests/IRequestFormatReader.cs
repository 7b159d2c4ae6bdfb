namespace AntiDistill.Requests;

/// <summary>
/// Reads one API body format into a <see cref="RequestContent"/>. Implementations must not throw on any
/// input (return <see cref="RequestReadStatus.NotJson"/> or <see cref="RequestReadStatus.UnexpectedShape"/>)
/// and should not allocate: they run on the request path.
/// </summary>
public interface IRequestFormatReader
{
    /// <summary>The format this reader produces.</summary>
    RequestFormat Format { get; }

    /// <summary>Whether a request to <paramref name="path"/> (e.g. <c>/v1/messages</c>) is in this format.</summary>
    bool MatchesPath(ReadOnlySpan<char> path);

    /// <summary>Whether a body of unknown path looks like this format (called in registration order when no path matched).</summary>
    bool MatchesShape(ReadOnlySpan<byte> body);

    /// <summary>Reads <paramref name="body"/> into <paramref name="content"/>, which the caller has reset.</summary>
    RequestReadStatus Read(ReadOnlySpan<byte> body, RequestContent content);
}
