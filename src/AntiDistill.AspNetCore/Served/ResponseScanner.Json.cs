using AntiDistill.Requests;
using static AntiDistill.AspNetCore.ServedNames;

namespace AntiDistill.AspNetCore;

/// <summary>The JSON tokenizer: structure and member names, numbers under <c>usage</c>, reasoning strings.</summary>
internal sealed partial class ResponseScanner
{
    // Deeper JSON is read as malformed (model responses nest under 10); names and types are kept for the first levels only.
    private const int MaxDepth = 64;
    private const int TrackedLevels = 16;

    private readonly Key[] _keys = new Key[TrackedLevels + 1];
    private readonly Kind[] _kinds = new Kind[TrackedLevels + 1];
    private readonly byte[] _capture = new byte[Longest];

    private Json _json;
    private int _depth;
    private ulong _arrays;
    private bool _inKey;
    private Role _role;
    private int _captured;
    private long _number;
    private bool _numberOk;
    private bool _dropping;
    private bool _counted;
    private Kind _event;

    private enum Json : byte
    {
        Value,
        ValueOrEnd,
        KeyOrEnd,
        Key,
        Colon,
        After,
        String,
        Escape,
        Number,
        Literal,
        Done,
        Failed,
    }

    /// <summary>What a string value is to the scanner.</summary>
    private enum Role : byte
    {
        None,
        Capture,
        Count,
        Strip,
    }

    private void ResetJson()
    {
        _json = Json.Value;
        _depth = 0;
        _arrays = 0;
        _role = Role.None;
        _dropping = false;
        _event = Kind.None;
    }

    private bool JsonDocumentEnded() => _json == Json.Done || (_json is Json.Number or Json.Literal && _depth == 0);

    private void ScanJson(ref Cursor c, int from, int to)
    {
        var input = c.Input;
        int i = from;
        while (i < to)
        {
            switch (_json)
            {
                case Json.String:
                    i = ScanString(ref c, i, to);
                    continue;
                case Json.Escape:
                    _json = Json.String;
                    OnStringBytes(input.Slice(i, 1), escaped: true);
                    i++;
                    continue;
                case Json.Number:
                    i = ScanNumber(input, i, to);
                    continue;
                case Json.Literal:
                    while (i < to && (uint)(input[i] - 'a') <= 'z' - 'a')
                    {
                        i++;
                    }

                    if (i < to)
                    {
                        EndValue();
                    }

                    continue;
                case Json.Failed:
                    return;
            }

            byte b = input[i++];
            if (b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
            {
                continue;
            }

            switch (_json)
            {
                case Json.Value:
                case Json.ValueOrEnd:
                    if (b == ']' && _json == Json.ValueOrEnd)
                    {
                        Close(b);
                    }
                    else
                    {
                        BeginValue(ref c, b, i - 1);
                    }

                    break;
                case Json.Key:
                case Json.KeyOrEnd:
                    if (b == '"')
                    {
                        _inKey = true;
                        _captured = 0;
                        _json = Json.String;
                    }
                    else if (b == '}' && _json == Json.KeyOrEnd)
                    {
                        Close(b);
                    }
                    else
                    {
                        Fail();
                    }

                    break;
                case Json.Colon:
                    if (b == ':')
                    {
                        _json = Json.Value;
                    }
                    else
                    {
                        Fail();
                    }

                    break;
                case Json.After:
                    if (b == ',')
                    {
                        _json = IsArray(_depth) ? Json.Value : Json.Key;
                    }
                    else if (b is (byte)'}' or (byte)']')
                    {
                        Close(b);
                    }
                    else
                    {
                        Fail();
                    }

                    break;
                default:
                    Fail(); // bytes after the document
                    break;
            }
        }
    }

    /// <summary>A line break inside server-sent event data: whitespace to JSON, which allows none inside a string.</summary>
    private void JsonLineBreak(ref Cursor c, int at)
    {
        switch (_json)
        {
            case Json.Number:
                EndNumber();
                break;
            case Json.Literal:
                EndValue();
                break;
            case Json.String:
            case Json.Escape:
                if (_dropping)
                {
                    // Framing broke inside a withheld string: pass the rest on as it is.
                    c.KeepFrom = at;
                    _dropping = false;
                }

                Fail();
                break;
        }
    }

    private void BeginValue(ref Cursor c, byte b, int at)
    {
        switch (b)
        {
            case (byte)'{':
                if (_depth == 1 && _keys[1] == Key.Error)
                {
                    _error = true; // {"error":{...}}, OpenAI's error body and its streamed form
                    _effects++;
                }

                Open(array: false);
                break;
            case (byte)'[':
                Open(array: true);
                break;
            case (byte)'"':
                _inKey = false;
                _captured = 0;
                _role = RoleOfString();
                _counted = _role >= Role.Count && Counted();
                if (_recording)
                {
                    RecordOpen(at);
                }
                if (_role == Role.Strip)
                {
                    c.Keep(at + 1); // the opening quote stays
                    _dropping = true;
                }

                _json = Json.String;
                break;
            case (byte)'-':
                _json = Json.Number;
                _numberOk = false; // a negative count is no count
                _number = 0;
                break;
            case >= (byte)'0' and <= (byte)'9':
                _json = Json.Number;
                _numberOk = true;
                _number = b - '0';
                _numberStart = at;
                break;
            case (byte)'t' or (byte)'f' or (byte)'n':
                _json = Json.Literal;
                break;
            default:
                Fail();
                break;
        }
    }

    private void Open(bool array)
    {
        if (_depth == MaxDepth)
        {
            Fail();
            return;
        }

        _depth++;
        ulong bit = 1UL << (_depth - 1);
        _arrays = array ? _arrays | bit : _arrays & ~bit;
        if (_depth <= TrackedLevels)
        {
            _keys[_depth] = Key.None;
            _kinds[_depth] = Kind.None;
        }

        _json = array ? Json.ValueOrEnd : Json.KeyOrEnd;
    }

    private void Close(byte b)
    {
        if (_depth == 0 || IsArray(_depth) != (b == ']'))
        {
            Fail();
            return;
        }

        _depth--;
        EndValue();
    }

    private void EndValue() => _json = _depth == 0 ? Json.Done : Json.After;

    /// <summary>Stops reading the document; an event's failure is judged when it ends (OpenAI's <c>[DONE]</c> is no JSON).</summary>
    private void Fail()
    {
        _json = Json.Failed;
        _malformed |= !_isSse;
    }

    private bool IsArray(int level) => level > 0 && ((_arrays >> (level - 1)) & 1) != 0;

    private Key KeyAt(int level) => level is >= 1 and <= TrackedLevels ? _keys[level] : Key.None;

    private Kind KindAt(int level) => level is >= 1 and <= TrackedLevels ? _kinds[level] : Kind.None;

    private int ScanString(ref Cursor c, int i, int to)
    {
        var rest = c.Input[i..to];
        int q = rest.IndexOfAny((byte)'"', (byte)'\\');
        if (!_inKey && _role != Role.Capture)
        {
            // A value's text is counted, never read: an escape and the byte it escapes are taken in stride, so text
            // with many escapes (a model's "\n" and "\"") costs one search each, not a trip through the state machine.
            while (q >= 0 && rest[q] == '\\' && q + 1 < rest.Length)
            {
                int next = rest[(q + 2)..].IndexOfAny((byte)'"', (byte)'\\');
                q = next < 0 ? -1 : q + 2 + next;
            }
        }

        int n = q < 0 ? rest.Length : q;
        OnStringBytes(rest[..n], escaped: false);
        if (q < 0)
        {
            return to;
        }

        int at = i + q;
        if (rest[q] == '\\')
        {
            OnStringBytes(rest.Slice(q, 1), escaped: true);
            _json = Json.Escape;
            return at + 1;
        }

        if (_dropping)
        {
            c.KeepFrom = at; // the closing quote stays
            _dropping = false;
        }

        if (_recording && !_inKey)
        {
            RecordClose(at);
        }

        EndString();
        return at + 1;
    }

    private void OnStringBytes(ReadOnlySpan<byte> bytes, bool escaped)
    {
        if (_inKey || _role == Role.Capture)
        {
            // Names and types the scanner knows are plain ASCII: one with an escape or too long is none of them.
            if (_captured >= 0 && !escaped && _captured + bytes.Length <= _capture.Length)
            {
                bytes.CopyTo(_capture.AsSpan(_captured));
                _captured += bytes.Length;
            }
            else
            {
                _captured = -1;
            }

            return;
        }

        if (_counted)
        {
            _reasoningBytes += bytes.Length;
            if (_role == Role.Strip)
            {
                _strippedBytes += bytes.Length;
            }
        }
    }

    private void EndString()
    {
        if (_inKey)
        {
            if (_depth <= TrackedLevels)
            {
                _keys[_depth] = _captured < 0 ? Key.Other : KeyOf(_capture.AsSpan(0, _captured));
            }

            _json = Json.Colon;
            return;
        }

        if (_role == Role.Capture && _captured >= 0)
        {
            OnType(KindOf(_capture.AsSpan(0, _captured)));
        }

        _role = Role.None;
        EndValue();
    }

    private void OnType(Kind kind)
    {
        _kinds[_depth] = kind;
        if (_depth == 1)
        {
            if (_event == Kind.None)
            {
                _event = kind;
            }

            if (kind == Kind.Error)
            {
                _error = true;
                _effects++;
            }
        }
    }

    private int ScanNumber(ReadOnlySpan<byte> input, int i, int to)
    {
        for (; i < to; i++)
        {
            byte b = input[i];
            uint digit = (uint)(b - '0');
            if (digit <= 9)
            {
                if (_number < int.MaxValue)
                {
                    _number = (_number * 10) + digit;
                }

                continue;
            }

            if (b is (byte)'.' or (byte)'e' or (byte)'E' or (byte)'+' or (byte)'-')
            {
                _numberOk = false; // token counts are integers
                continue;
            }

            EndNumber();
            if (_recording && _numberOk)
            {
                RecordNumber(i);
            }

            return i;
        }

        return i;
    }

    /// <summary>A number ended: kept when it is a count under <c>usage</c> (or its output details), the last one seen winning.</summary>
    private void EndNumber()
    {
        EndValue();
        if (!_numberOk || _depth == 0 || _depth > TrackedLevels || IsArray(_depth))
        {
            return;
        }

        int value = (int)Math.Min(_number, int.MaxValue);
        var key = _keys[_depth];
        var parent = KeyAt(_depth - 1);
        if (parent == Key.Usage)
        {
            switch (key)
            {
                case Key.InputTokens:
                    _input = value;
                    break;
                case Key.OutputTokens:
                    _output = value;
                    break;
                case Key.ReasoningTokens:
                    _reasoningReported = value;
                    break;
                case Key.CacheReadTokens:
                    _cacheRead = value; // Anthropic's input_tokens leave out cached prompt tokens; OpenAI's include them
                    break;
                case Key.CacheCreationTokens:
                    _cacheCreation = value;
                    break;
                default:
                    return;
            }

            _sawUsage = true;
            _effects++;
        }
        else if (parent == Key.OutputDetails && key == Key.ReasoningTokens && KeyAt(_depth - 2) == Key.Usage)
        {
            _reasoningReported = value;
            _effects++;
        }
    }

    /// <summary>
    /// Whether a reasoning string's bytes count: a Responses stream sends its summary as deltas, then whole again in the
    /// <c>.done</c>, <c>output_item.done</c> and <c>response.completed</c> events (blanked everywhere, counted once).
    /// </summary>
    private bool Counted() => !_isSse || _format != RequestFormat.OpenAIResponses || (_depth == 1 && _keys[1] == Key.Delta);

    /// <summary>What a string value starting now is: a type to read, reasoning to count, reasoning to withhold, or nothing.</summary>
    private Role RoleOfString()
    {
        if (_depth == 0 || _depth > TrackedLevels)
        {
            return Role.None;
        }

        var key = _keys[_depth]; // None inside an array
        if (key == Key.Type)
        {
            return Role.Capture;
        }

        var reasoning = _strip ? Role.Strip : Role.Count;
        switch (_format)
        {
            case RequestFormat.OpenAIChatCompletions:
                // choices[i].delta.reasoning_content (streamed), choices[i].message.reasoning (whole); vLLM, SGLang and
                // DeepSeek send reasoning_content, newer vLLM and OpenRouter reasoning.
                return key is Key.ReasoningContent or Key.Reasoning && KeyAt(_depth - 1) is Key.Delta or Key.Message ? reasoning : Role.None;
            case RequestFormat.OpenAIResponses:
                if (key == Key.Text)
                {
                    // {"type":"summary_text"|"reasoning_text","text":...}, or any part of a reasoning item's summary or content.
                    bool reasoningPart = _kinds[_depth] == Kind.ReasoningText
                        || (IsArray(_depth - 1) && (KeyAt(_depth - 2) == Key.Summary || (KeyAt(_depth - 2) == Key.Content && KindAt(_depth - 2) == Kind.ReasoningItem)));
                    if (reasoningPart)
                    {
                        return reasoning;
                    }
                }

                // response.reasoning_summary_text.delta / .done and response.reasoning_text.delta / .done
                return _depth == 1 && key is Key.Delta or Key.Text && _event == Kind.ReasoningEvent ? reasoning : Role.None;
            case RequestFormat.AnthropicMessages:
                // thinking_delta's "thinking", a thinking block's "thinking": counted only (see ServedResponseBody on why not stripped).
                return key == Key.Thinking ? Role.Count : Role.None;
            default:
                return Role.None;
        }
    }
}
