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
    /// <remarks>
    /// Well-formedness is decided as the endpoint's own parser (System.Text.Json reading the request stream, default
    /// options) decides it: a leading UTF-8 byte order mark is skipped, an escaped lone surrogate is accepted (read as
    /// U+FFFD), anything but whitespace after the object is <see cref="RequestReadStatus.NotJson"/>, and
    /// <see cref="RequestReadStatus.UnexpectedShape"/> is only ever said of well-formed JSON. One difference: invalid
    /// UTF-8 inside a string the reader takes text from (the prompt, the system prompt) is
    /// <see cref="RequestReadStatus.NotJson"/>, where JsonDocument does not look at the bytes of strings at all (its
    /// serializer, and RFC 8259, refuse them).
    /// </remarks>
    public RequestReadStatus Read(ReadOnlySpan<byte> body, ReadOnlySpan<char> path, RequestContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        content.Reset();
        body = JsonShape.SkipByteOrderMark(body);
        var reader = Select(body, path);
        if (reader is null)
        {
            return JsonShape.IsWellFormed(body) ? RequestReadStatus.UnexpectedShape : RequestReadStatus.NotJson;
        }

        var status = reader.Read(body, content);
        if (status == RequestReadStatus.Ok)
        {
            content.Format = reader.Format;
            return status;
        }

        content.Reset();

        // A reader gives up on the shape at the first wrong field; whether the rest is JSON at all is only asked now, off
        // the path of bodies that read (the metric and the 400 then say which it was).
        return status == RequestReadStatus.UnexpectedShape && !JsonShape.IsWellFormed(body) ? RequestReadStatus.NotJson : status;
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
