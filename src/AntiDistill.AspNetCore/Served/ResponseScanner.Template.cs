using System.Runtime.CompilerServices;
using static AntiDistill.AspNetCore.ServedNames;

namespace AntiDistill.AspNetCore;

/// <summary>
/// The delta template: a model streams thousands of events that differ only in the text of one string
/// (<c>{"id":…,"choices":[{"index":0,"delta":{"reasoning_content":"…"}}]}</c>, <c>"content":"…"</c>, Anthropic's
/// <c>thinking_delta</c> and <c>text_delta</c>). The first of a run is tokenized; when it held at most one reasoning
/// string and nothing else the scanner acts on (no usage count, no error), the bytes before and after the string that
/// varies (the reasoning string, else the last plain string value) are kept as a template. A later event of the same SSE
/// event name whose data is the template's prefix, a JSON string body, and the template's suffix would drive the
/// tokenizer through the same states, so it is counted (and blanked when withholding) without it: two vectorized
/// compares and a search for the closing quote instead of a state machine over every byte.
/// </summary>
/// <remarks>
/// Exact, not a heuristic: the tokenizer's state at the start of an event's data depends on nothing but the format
/// and the event name (<see cref="ResetJson"/> at every event end, each object level reset when opened), so identical
/// bytes give identical transitions, and a string's bytes are counted one for one whatever they hold. The template
/// records no event with effects beyond the string (a usage number or an error re-assigned by a later event would no
/// longer be re-assigned), which is why <see cref="_effects"/> counts them. A property test holds the fast and slow
/// paths to the same counts and bytes over generated streams. OpenAI Responses deltas carry a changing
/// <c>sequence_number</c> and take the tokenizer.
/// </remarks>
internal sealed partial class ResponseScanner
{
    /// <summary>Longest template prefix or suffix kept (a chunk's envelope is a few hundred bytes at most).</summary>
    private const int TemplateBytes = 512;

    private readonly byte[] _templatePrefix = new byte[TemplateBytes];
    private readonly byte[] _templateSuffix = new byte[TemplateBytes];
    private int _prefixLength = -1; // -1: no template
    private int _suffixLength;
    private Kind _templateEvent;
    private Role _templateRole;
    private bool _templateCounted;

    // While an event is tokenized as a template candidate: its reasoning strings and where the last one was, and where
    // its last plain string value was (an answer delta's text; its bytes change nothing the scanner reports).
    private bool _recording;
    private int _recordedStrings;
    private int _recordedOpen;
    private int _recordedClose;
    private Role _recordedRole;
    private bool _recordedCounted;
    private int _plainOpen;
    private int _plainClose;
    private int _templatesRecorded;

    /// <summary>Assignments the scanner made to what it reports (usage counts, the error flag); a template must make none.</summary>
    private int _effects;

    /// <summary>Events of the current response read through the template (for tests: an equivalence that never ran proves nothing).</summary>
    internal int TemplateEvents { get; private set; }

    /// <summary>
    /// Whether an event the scanner could pass over untokenized is worth tokenizing to make a template: while templates
    /// match more events than they cost tokenizations. A stream whose every event differs elsewhere too (a counter, a
    /// random padding field) soon stops paying the tokenizer for templates that never match.
    /// </summary>
    private bool TemplatePaysOff => _templatesRecorded <= (2 * TemplateEvents) + 4;

    private void ResetTemplate()
    {
        _prefixLength = -1;
        _recording = false;
        _templatesRecorded = 0;
        TemplateEvents = 0;
    }

    /// <summary>Counts (and blanks) an event's data that matches the template; false, with nothing done, when it does not.</summary>
    private bool TryTemplate(ref Cursor c, int at, ReadOnlySpan<byte> data)
    {
        if (_prefixLength < 0 || _event != _templateEvent || data.Length < _prefixLength + _suffixLength
            || !data.StartsWith(_templatePrefix.AsSpan(0, _prefixLength)))
        {
            return false;
        }

        int close = ClosingQuote(data, _prefixLength);
        if (close < 0 || !data[close..].SequenceEqual(_templateSuffix.AsSpan(0, _suffixLength)))
        {
            return false;
        }

        int length = close - _prefixLength;
        TemplateEvents++;
        if (_templateCounted)
        {
            _reasoningBytes += length;
        }

        if (_templateRole == Role.Strip)
        {
            c.Keep(at + _prefixLength); // up to and with the opening quote
            c.KeepFrom = at + close; // the closing quote stays
            if (_templateCounted)
            {
                _strippedBytes += length;
            }
        }

        return true;
    }

    /// <summary>Where the JSON string whose body starts at <paramref name="from"/> ends (its closing quote), or -1.</summary>
    private static int ClosingQuote(ReadOnlySpan<byte> data, int from)
    {
        int i = from;
        while (i < data.Length)
        {
            int q = data[i..].IndexOfAny((byte)'"', (byte)'\\');
            if (q < 0)
            {
                return -1;
            }

            i += q;
            if (data[i] == '"')
            {
                return i;
            }

            i += 2; // an escape and the byte it escapes, as the tokenizer reads them
        }

        return -1;
    }

    /// <summary>Tokenizes a whole event's data line, then keeps it as the template when it qualifies.</summary>
    private void TokenizeAndRecord(ref Cursor c, int from, int to)
    {
        var name = _event;
        int effects = _effects;
        _recording = true;
        _recordedStrings = 0;
        _plainOpen = -1;
        Value(ref c, from, to);
        _recording = false;
        if (_recordedStrings == 0 && _plainOpen >= 0)
        {
            _recordedOpen = _plainOpen;
            _recordedClose = _plainClose;
            _recordedRole = Role.None;
            _recordedCounted = false;
        }
        else if (_recordedStrings != 1)
        {
            return;
        }

        if (_json != Json.Done || _effects != effects || _recordedOpen < from || _recordedClose <= _recordedOpen || _recordedClose >= to)
        {
            return;
        }

        var data = c.Input[from..to];
        int prefix = _recordedOpen + 1 - from;
        int suffix = to - _recordedClose;
        if (prefix > TemplateBytes || suffix > TemplateBytes)
        {
            return;
        }

        data[..prefix].CopyTo(_templatePrefix);
        data[^suffix..].CopyTo(_templateSuffix);
        _prefixLength = prefix;
        _suffixLength = suffix;
        _templateEvent = name;
        _templateRole = _recordedRole;
        _templateCounted = _recordedCounted;
        _templatesRecorded++;
    }

    /// <summary>The tokenizer opened a string value at <paramref name="at"/> (its opening quote), with its role set.</summary>
    /// <remarks>Out of line, so that the tokenizer's hot loop stays small enough for the JIT to inline its parts.</remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RecordOpen(int at)
    {
        if (_role >= Role.Count)
        {
            _recordedStrings++;
            _recordedOpen = at;
            _recordedRole = _role;
            _recordedCounted = _counted;
        }
        else if (_role == Role.None)
        {
            _plainOpen = at;
            _plainClose = -1;
        }
    }

    /// <summary>The tokenizer closed a string value at <paramref name="at"/> (its closing quote), before its role is cleared.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RecordClose(int at)
    {
        if (_role >= Role.Count)
        {
            _recordedClose = at;
        }
        else if (_role == Role.None)
        {
            _plainClose = at;
        }
    }
}
