namespace AntiDistill.Requests;

internal sealed class OpenAIChatCompletionsReader : IRequestFormatReader
{
    public RequestFormat Format => RequestFormat.OpenAIChatCompletions;

    public bool MatchesPath(ReadOnlySpan<char> path) => path.EndsWith("/chat/completions", StringComparison.OrdinalIgnoreCase);

    public bool MatchesShape(ReadOnlySpan<byte> body) => false;

    public RequestReadStatus Read(ReadOnlySpan<byte> body, RequestContent content) => RequestReadStatus.UnexpectedShape;
}
