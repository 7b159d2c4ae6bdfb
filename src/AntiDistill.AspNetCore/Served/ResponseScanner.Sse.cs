using AntiDistill.Requests;
using static AntiDistill.AspNetCore.ServedNames;

namespace AntiDistill.AspNetCore;

/// <summary>
/// Server-sent events framing (the WHATWG event-stream grammar): <c>event:</c> and <c>data:</c> lines, comments, blank
/// lines that end an event, LF, CR or CRLF line ends. Each event's data is one JSON document, or OpenAI's <c>[DONE]</c>.
/// </summary>
internal sealed partial class ResponseScanner
{
    private const int DataField = 1;
    private const int EventField = 2;

    private readonly byte[] _eventName = new byte[Longest];
    private readonly byte[] _head = new byte[6];

    private Sse _sse;
    private int _field;
    private int _fieldLength;
    private int _fieldMatch;
    private int _eventNameLength;
    private bool _eventHasData;
    private int _headLength;

    private enum Sse : byte
    {
        LineStart,
        Field,
        ValueStart,
        Value,
        Skip,
        AfterCr,
    }

    private static ReadOnlySpan<byte> DoneMarker => "[DONE]"u8;

    private void ResetSse()
    {
        _sse = Sse.LineStart;
        _field = 0;
        _eventHasData = false;
        _headLength = 0;
        _eventNameLength = 0;
    }

    /// <summary>A stream that stopped inside an event (no blank line after its data) was cut short.</summary>
    private bool SseTruncated() => _sse is not (Sse.LineStart or Sse.AfterCr) || _eventHasData;

    private void ScanSse(ref Cursor c)
    {
        var input = c.Input;
        int i = 0;
        while (i < input.Length)
        {
            byte b = input[i];
            switch (_sse)
            {
                case Sse.AfterCr:
                    _sse = Sse.LineStart;
                    if (b == '\n')
                    {
                        i++; // CRLF is one line end
                    }

                    continue;
                case Sse.LineStart:
                    if (b is (byte)'\n' or (byte)'\r')
                    {
                        Dispatch();
                        _sse = b == '\r' ? Sse.AfterCr : Sse.LineStart;
                        i++;
                    }
                    else if (b == ':')
                    {
                        _sse = Sse.Skip; // a comment (keep-alive)
                        i++;
                    }
                    else
                    {
                        _sse = Sse.Field;
                        _fieldLength = 0;
                        _fieldMatch = DataField | EventField;
                    }

                    continue;
                case Sse.Field:
                    if (b == ':')
                    {
                        StartValue();
                        i++;
                    }
                    else if (b is (byte)'\n' or (byte)'\r')
                    {
                        StartValue(); // a field name alone has an empty value
                        EndLine(ref c, i);
                        i++;
                    }
                    else
                    {
                        MatchFieldName(b);
                        i++;
                    }

                    continue;
                case Sse.ValueStart:
                    _sse = Sse.Value;
                    if (b == ' ')
                    {
                        i++; // one space after the colon is not part of the value
                    }

                    if (_field == DataField && _headLength == 0 && _json == Json.Value && SkipsWholeEvents)
                    {
                        WholeEvent(ref c, ref i);
                    }

                    continue;
                default:
                    int eol = input[i..].IndexOfAny((byte)'\n', (byte)'\r');
                    int stop = eol < 0 ? input.Length : i + eol;
                    if (_sse == Sse.Value)
                    {
                        Value(ref c, i, stop);
                    }

                    i = stop;
                    if (eol >= 0)
                    {
                        EndLine(ref c, stop);
                        i++;
                    }

                    continue;
            }
        }
    }

    /// <summary>
    /// The fast paths for the bulk of a stream, taken when an event's one data line and closing blank line are both in
    /// this chunk. An event shaped byte for byte like an earlier one, but for its strings' texts and its integers (a
    /// reasoning or an answer delta), is counted (and blanked) without the tokenizer (<see cref="TryTemplate"/>). Any
    /// other event is tokenized here and becomes the template when it qualifies, except that, where templates stop paying
    /// off, an event that names no member the scanner reads is passed over untokenized. Measured in
    /// <c>ServedBenchmarks</c>. Turned off by tests that check the tokenizer's own verdicts.
    /// </summary>
    private void WholeEvent(ref Cursor c, ref int i)
    {
        var rest = c.Input[i..];
        int eol = rest.IndexOfAny((byte)'\n', (byte)'\r');
        if (eol < 0)
        {
            return;
        }

        int blank = eol + (rest[eol] == '\r' && eol + 1 < rest.Length && rest[eol + 1] == '\n' ? 2 : 1);
        if (blank >= rest.Length || rest[blank] is not ((byte)'\n' or (byte)'\r'))
        {
            return;
        }

        var line = rest[..eol];
        if (TryTemplate(ref c, i, line))
        {
            _json = Json.Done;
            i += eol; // at the line end, which the value state then reads
            return;
        }

        var data = line.TrimEnd((byte)' ');
        if (data.Length < 2 || data[0] != '{' || data[^1] != '}')
        {
            return;
        }

        // Balanced brackets (a bracket inside a string only sends an event down the slow path): a cut or mangled document
        // seldom passes, and whatever passes carries nothing the scanner would have read.
        bool irrelevant = !MayMatter(data) && data.Count((byte)'{') == data.Count((byte)'}') && data.Count((byte)'[') == data.Count((byte)']');
        // An event longer than a template can be (a Responses stream's closing events repeat the whole text) is passed
        // over as well: tokenizing it would make no template.
        if (irrelevant && (!TemplatePaysOff || eol > TemplateBytes))
        {
            _json = Json.Done;
            i += eol;
            return;
        }

        TokenizeAndRecord(ref c, i, i + eol);
        i += eol;
    }

    /// <summary>Whether an event's data may name a member the scanner reads (a false positive only costs the slow path).</summary>
    private bool MayMatter(ReadOnlySpan<byte> data) => _format switch
    {
        // A quote inside a JSON string is escaped, so "usage" with its quotes is a member name or a whole value.
        // DeepSeek sends "reasoning_content":null in every answer chunk: only a string value is reasoning.
        RequestFormat.OpenAIChatCompletions => data.IndexOf("\"usage\""u8) >= 0 || data.IndexOf("\"error\""u8) >= 0
            || HasStringMember(data, "\"reasoning_content\""u8) || HasStringMember(data, "\"reasoning\""u8),
        RequestFormat.OpenAIResponses => data.IndexOf("\"usage\""u8) >= 0 || data.IndexOf("reasoning"u8) >= 0 || data.IndexOf("summary"u8) >= 0
            || data.IndexOf("\"error\""u8) >= 0 || data.IndexOf("response.failed"u8) >= 0,
        RequestFormat.AnthropicMessages => data.IndexOf("\"usage\""u8) >= 0 || data.IndexOf("\"thinking\""u8) >= 0 || data.IndexOf("\"error\""u8) >= 0,
        _ => true,
    };

    /// <summary>Whether a member of that name has a string value (<c>"name":"</c>, JSON's spaces and tabs allowed around the colon).</summary>
    private static bool HasStringMember(ReadOnlySpan<byte> data, ReadOnlySpan<byte> quotedName)
    {
        int at;
        while ((at = data.IndexOf(quotedName)) >= 0)
        {
            data = data[(at + quotedName.Length)..];
            var rest = data.TrimStart(" \t"u8);
            if (rest.Length > 1 && rest[0] == ':' && rest[1..].TrimStart(" \t"u8) is [(byte)'"', ..])
            {
                return true;
            }
        }

        return false;
    }

    private void MatchFieldName(byte b)
    {
        int at = _fieldLength++;
        if (at >= 4 || b != "data"u8[at])
        {
            _fieldMatch &= ~DataField;
        }

        if (at >= 5 || b != "event"u8[at])
        {
            _fieldMatch &= ~EventField;
        }
    }

    private void StartValue()
    {
        _field = (_fieldMatch & DataField) != 0 && _fieldLength == 4 ? DataField
            : (_fieldMatch & EventField) != 0 && _fieldLength == 5 ? EventField
            : 0;
        if (_field == EventField)
        {
            _eventNameLength = 0;
        }
        else if (_field == DataField)
        {
            _eventHasData = true;
        }

        _sse = Sse.ValueStart;
    }

    private void Value(ref Cursor c, int from, int to)
    {
        var value = c.Input[from..to];
        if (_field == DataField)
        {
            if (_headLength < _head.Length)
            {
                int n = Math.Min(_head.Length - _headLength, value.Length);
                value[..n].CopyTo(_head.AsSpan(_headLength));
                _headLength += n;
            }

            ScanJson(ref c, from, to);
        }
        else if (_field == EventField)
        {
            if (_eventNameLength >= 0 && _eventNameLength + value.Length <= _eventName.Length)
            {
                value.CopyTo(_eventName.AsSpan(_eventNameLength));
                _eventNameLength += value.Length;
            }
            else
            {
                _eventNameLength = -1;
            }
        }
    }

    private void EndLine(ref Cursor c, int at)
    {
        if (_field == DataField)
        {
            JsonLineBreak(ref c, at); // data lines of one event join with a line feed
        }
        else if (_field == EventField && _eventNameLength >= 0)
        {
            var kind = KindOf(_eventName.AsSpan(0, _eventNameLength));
            _event = kind;
            _error |= kind == Kind.Error;
        }

        _field = 0;
        _sse = c.Input[at] == '\r' ? Sse.AfterCr : Sse.LineStart;
    }

    /// <summary>A blank line: the event ends; its data must have been one whole JSON document (or <c>[DONE]</c>).</summary>
    private void Dispatch()
    {
        if (_eventHasData && _json != Json.Done && !_head.AsSpan(0, _headLength).SequenceEqual(DoneMarker))
        {
            _malformed = true;
        }

        _eventHasData = false;
        _headLength = 0;
        ResetJson();
    }
}
