using System.Runtime.CompilerServices;

namespace AntiDistill.Requests;

/// <summary>
/// Reads API request bodies (OpenAI Chat Completions, OpenAI Responses, Anthropic Messages, plus any
/// <see cref="IRequestFormatReader"/> a host adds) into a <see cref="RequestContent"/>. Shared by the
/// middleware and the log analyzer so that both score exactly the same text. Never throws on bad input.
/// </summary>
[SkipLocalsInit]
public sealed class RequestBodyReader
{
    private readonly IRequestFormatReader[] _readers;

    /// <summary>Creates a reader over the given formats, tried in order.</summary>
    public RequestBodyReader(IEnumerable<IRequestFormatReader> readers)
    {
        ArgumentNullException.ThrowIfNull(readers);
        _readers = [.. readers];
    }

    /// <summary>The three built-in formats.</summary>
    public static RequestBodyReader Default { get; } = new(BuiltInFormats());

    /// <summary>The built-in format readers, for hosts that add their own beside them.</summary>
    public static IReadOnlyList<IRequestFormatReader> BuiltInFormats() =>
        [new OpenAIChatCompletionsReader(), new OpenAIResponsesReader(), new AnthropicMessagesReader()];

    /// <summary>
    /// Reads <paramref name="body"/>. The request path picks the format when one reader claims it;
    /// otherwise the body's shape decides. <paramref name="content"/> is reset first.
    /// </summary>
    public RequestReadStatus Read(ReadOnlySpan<byte> body, ReadOnlySpan<char> path, RequestContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        content.Reset();
        var reader = Select(body, path);
        if (reader is null)
        {
            return JsonShape.IsObject(body) ? RequestReadStatus.UnexpectedShape : RequestReadStatus.NotJson;
        }

        var status = reader.Read(body, content);
        if (status == RequestReadStatus.Ok)
        {
            content.Format = reader.Format;
        }
        else
        {
            content.Reset();
        }

        return status;
    }

    private IRequestFormatReader? Select(ReadOnlySpan<byte> body, ReadOnlySpan<char> path)
    {
        if (!path.IsEmpty)
        {
            foreach (var reader in _readers)
            {
                if (reader.MatchesPath(path))
                {
                    return reader;
                }
            }
        }

        foreach (var reader in _readers)
        {
            if (reader.MatchesShape(body))
            {
                return reader;
            }
        }

        return null;
    }
}
