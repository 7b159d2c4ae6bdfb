using AntiDistill.Requests;
using static AntiDistill.AspNetCore.ServedNames;

namespace AntiDistill.AspNetCore;

/// <summary>
/// Reads a model's response as it streams past, a chunk at a time, for what was served: usage (input, output and
/// reasoning tokens), the bytes of reasoning text, errors. Optionally withholds reasoning text by blanking its JSON
/// strings (<c>"reasoning_content":"..."</c> becomes <c>"reasoning_content":""</c>), which keeps every event and body
/// well-formed and only ever removes bytes, so it can work in place.
/// </summary>
/// <remarks>
/// Constant memory whatever the response's length: a byte-level state machine over server-sent-event lines and a JSON
/// tokenizer that keeps, per nesting level, only the member name and object type it needs (one byte each), never a
/// token's text. A token or event may be split across chunks at any byte. It never throws on what it reads: bytes that
/// are not what they claim to be (broken framing, truncated JSON) are counted as malformed and the rest of the event
/// or body is no longer interpreted (nor changed). Pooled with its request state (<see cref="ServedResponseBody"/>).
/// </remarks>
internal sealed partial class ResponseScanner
{
    /// <summary>Estimate of UTF-8 bytes per token for reasoning text when no usage reports it (English text; the token estimator's default too).</summary>
    public const int BytesPerToken = 4;

    private RequestFormat _format;
    private bool _isSse;
    private bool _strip;
    private long _bytes;

    private int _input;
    private int _output;
    private int _reasoningReported;
    private int _cacheRead;
    private int _cacheCreation;
    private bool _sawUsage;
    private bool _error;
    private bool _malformed;
    private long _reasoningBytes;
    private long _strippedBytes;

    /// <summary>Whether whole events that carry nothing read skip the tokenizer (default true; see <c>WholeEvent</c>).</summary>
    public bool SkipsWholeEvents { get; init; } = true;

    /// <summary>Whether <see cref="Process"/> may drop bytes (and so needs an output span).</summary>
    public bool Strips => _strip;

    /// <summary>Bytes read so far.</summary>
    public long Bytes => _bytes;

    /// <summary>Prepares for a new response of the request format given, as server-sent events or one JSON body.</summary>
    public void Reset(RequestFormat format, bool serverSentEvents, bool strip)
    {
        _format = format;
        _isSse = serverSentEvents;
        _strip = strip && format is RequestFormat.OpenAIChatCompletions or RequestFormat.OpenAIResponses;
        _bytes = 0;
        _input = _output = _reasoningReported = _cacheRead = _cacheCreation = 0;
        _sawUsage = _error = _malformed = false;
        _reasoningBytes = _strippedBytes = 0;
        ResetSse();
        ResetJson();
        ResetTemplate();
    }

    /// <summary>
    /// Reads one chunk. When <see cref="Strips"/>, writes what the client gets into <paramref name="output"/> (at least as
    /// long as <paramref name="input"/>; it may be the same memory) and returns its length; otherwise writes nothing and
    /// returns the input's length (the chunk goes on unchanged).
    /// </summary>
    public int Process(ReadOnlySpan<byte> input, Span<byte> output)
    {
        _bytes += input.Length;
        var c = new Cursor(input, _strip ? output : default);
        if (_isSse)
        {
            ScanSse(ref c);
        }
        else
        {
            ScanJson(ref c, 0, input.Length);
        }

        if (!_strip)
        {
            return input.Length;
        }

        if (!_dropping)
        {
            c.Keep(input.Length);
        }

        return c.Written;
    }

    /// <summary>What was served, once the response has ended (whole, or cut short).</summary>
    public ServedScan Complete()
    {
        bool truncated = _bytes > 0 && (_isSse ? SseTruncated() : !JsonDocumentEnded());
        int reasoning = _reasoningReported > 0 ? _reasoningReported : Tokens(_reasoningBytes);
        // Chat's reasoning text is all of its reasoning; a Responses summary is part of it (and never more).
        int withheld = _strippedBytes == 0 ? 0
            : _reasoningReported == 0 ? Tokens(_strippedBytes)
            : _format == RequestFormat.OpenAIChatCompletions ? _reasoningReported
            : Math.Min(Tokens(_strippedBytes), _reasoningReported);
        if (_output > 0)
        {
            reasoning = Math.Min(reasoning, _output);
            withheld = Math.Min(withheld, _output);
        }

        return new ServedScan
        {
            InputTokens = (int)Math.Min(int.MaxValue, (long)_input + _cacheRead + _cacheCreation),
            OutputTokens = _output,
            ReasoningTokens = reasoning,
            ReasoningTokensWithheld = withheld,
            SawUsage = _sawUsage,
            Malformed = _malformed || truncated,
            StreamError = _error,
            ReasoningBytes = _reasoningBytes,
            StrippedBytes = _strippedBytes,
        };
    }

    private static int Tokens(long bytes) => (int)Math.Min(int.MaxValue, (bytes + BytesPerToken - 1) / BytesPerToken);

    /// <summary>The chunk being read and, when stripping, what is kept of it.</summary>
    private ref struct Cursor(ReadOnlySpan<byte> input, Span<byte> output)
    {
        public readonly ReadOnlySpan<byte> Input = input;
        public readonly Span<byte> Output = output;
        public int Written;

        /// <summary>Start of the input not yet copied to the output.</summary>
        public int KeepFrom;

        /// <summary>Copies the input up to <paramref name="end"/> (a move: output and input may overlap, output never ahead).</summary>
        public void Keep(int end)
        {
            if (end > KeepFrom)
            {
                Input[KeepFrom..end].CopyTo(Output[Written..]);
                Written += end - KeepFrom;
            }

            KeepFrom = end;
        }
    }
}

/// <summary>What a response served, as <see cref="ResponseScanner"/> read it.</summary>
internal readonly struct ServedScan
{
    public int InputTokens { get; init; }

    public int OutputTokens { get; init; }

    /// <summary>Reported by the usage, else estimated from the reasoning text's bytes.</summary>
    public int ReasoningTokens { get; init; }

    public int ReasoningTokensWithheld { get; init; }

    public bool SawUsage { get; init; }

    /// <summary>Broken framing, invalid or truncated JSON.</summary>
    public bool Malformed { get; init; }

    /// <summary>An error object or event inside a response (e.g. Anthropic's <c>overloaded_error</c> mid-stream).</summary>
    public bool StreamError { get; init; }

    public long ReasoningBytes { get; init; }

    public long StrippedBytes { get; init; }
}
