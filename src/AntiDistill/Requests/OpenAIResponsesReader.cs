namespace AntiDistill.Requests;

internal sealed class OpenAIResponsesReader : IRequestFormatReader
{
    public RequestFormat Format => RequestFormat.OpenAIResponses;

    public bool MatchesPath(ReadOnlySpan<char> path) => path.EndsWith("/responses", StringComparison.OrdinalIgnoreCase);

    public bool MatchesShape(ReadOnlySpan<byte> body) => false;

    public RequestReadStatus Read(ReadOnlySpan<byte> body, RequestContent content) => RequestReadStatus.UnexpectedShape;
}
