namespace AntiDistill.Requests;

internal sealed class AnthropicMessagesReader : IRequestFormatReader
{
    public RequestFormat Format => RequestFormat.AnthropicMessages;

    public bool MatchesPath(ReadOnlySpan<char> path) => path.EndsWith("/messages", StringComparison.OrdinalIgnoreCase);

    public bool MatchesShape(ReadOnlySpan<byte> body) => false;

    public RequestReadStatus Read(ReadOnlySpan<byte> body, RequestContent content) => RequestReadStatus.UnexpectedShape;
}
