using System.Runtime.CompilerServices;
using static AntiDistill.AspNetCore.ServedNames;

namespace AntiDistill.AspNetCore;

/// <summary>
/// The delta template: a model streams thousands of events with one envelope, where only string texts and a few numbers
/// change (<c>{"id":…,"choices":[{"index":0,"delta":{"reasoning_content":"…"}}]}</c>, <c>"content":"…"</c>, Anthropic's
/// <c>thinking_delta</c> and <c>text_delta</c>, Responses' <c>sequence_number</c>, OpenAI's random <c>obfuscation</c>).
/// The first event of a run is tokenized; when it assigned nothing the scanner reports (no usage count, no error), it
/// becomes a template: its bytes, with the bodies of its string values and its integer values marked as holes. A later
/// event of the same SSE event name that is the template's bytes with any string body and any digits in the holes would
/// drive the tokenizer through the same states, so it is counted (and blanked when withholding) without it: a few
/// vectorized compares and searches for closing quotes instead of a state machine over every byte.
/// </summary>
/// <remarks>
/// Exact, not a heuristic. The tokenizer's state at the start of an event's data depends on nothing but the format and
/// the event name (<see cref="ResetJson"/> at every event end, each object level reset when opened). What it does with
/// a string value depends on where the string is, never on its text, except for member names and <c>type</c> values,
/// which stay literal. A number is only read under <c>usage</c>, which a template cannot hold (<see cref="_effects"/>
/// counts every assignment), and a hole takes only digits, as the template's number was, so the new number is an integer
/// too. Reasoning strings' bytes are counted one for one, as the tokenizer counts them. A property test holds the fast
/// and slow paths to the same counts and bytes over generated streams.
/// </remarks>
internal sealed partial class ResponseScanner
{
    /// <summary>Longest event data kept as a template (a delta's envelope is a few hundred bytes).</summary>
    private const int TemplateBytes = 1024;

    /// <summary>Most holes in a template (a chat chunk has about eight); an event with more is no template.</summary>
    private const int MaxHoles = 24;

    private readonly byte[] _template = new byte[TemplateBytes];
    private readonly Hole[] _holes = new Hole[MaxHoles];
    private readonly Hole[] _candidateHoles = new Hole[MaxHoles]; // apart: a candidate that fails must not spoil the template
    private int _templateLength = -1; // -1: no template
    private int _holeCount;
    private int _varying; // the hole that changes from event to event when the others do not (-1: none to try)
    private Kind _templateEvent;

    // While an event is tokenized as a template candidate: its holes (positions in the chunk), or overflow.
    private bool _recording;
    private int _recordedHoles;
    private int _openString;
    private int _numberStart;
    private int _templatesRecorded;

    /// <summary>Assignments the scanner made to what it reports (usage counts, the error flag); a template must make none.</summary>
    private int _effects;

    /// <summary>Events of the current response read through the template (for tests: an equivalence that never ran proves nothing).</summary>
    internal int TemplateEvents { get; private set; }

    /// <summary>
    /// Whether an event the scanner could pass over untokenized is worth tokenizing to make a template: after four free
    /// tries, while templates have matched at least half as many events as were tokenized to make them. A stream whose
    /// events differ in their structure soon stops paying the tokenizer for templates that never match. (The template
    /// costs each pooled scanner about 1.8 KB: its bytes and two hole tables.)
    /// </summary>
    private bool TemplatePaysOff => _templatesRecorded <= (2 * TemplateEvents) + 4;

    private void ResetTemplate()
    {
        _templateLength = -1;
        _recording = false;
        _templatesRecorded = 0;
        _effects = 0; // compared within an event only; reset so that a long-lived pooled scanner never wraps it
        TemplateEvents = 0;
    }

    /// <summary>Counts (and blanks) an event's data that matches the template; false, with nothing done, when it does not.</summary>
    private bool TryTemplate(ref Cursor c, int at, ReadOnlySpan<byte> data)
    {
        if (_templateLength < 0 || _event != _templateEvent)
        {
            return false;
        }

        if (_varying >= 0 && TryVaryingOnly(ref c, at, data))
        {
            return true;
        }

        // Match the whole event hole by hole, noting where each hole ends in it; then act.
        Span<int> closes = stackalloc int[MaxHoles];
        var template = _template.AsSpan(0, _templateLength);
        int t = 0;
        int d = 0;
        for (int h = 0; h < _holeCount; h++)
        {
            var hole = _holes[h];
            var literal = template[t..hole.Start];
            if (!data[d..].StartsWith(literal))
            {
                return false;
            }

            d += literal.Length;
            if (hole.Role == HoleRole.Digits)
            {
                int digits = data[d..].IndexOfAnyExceptInRange((byte)'0', (byte)'9');
                if (digits == 0 || digits < 0)
                {
                    return false; // no digit, or the data ends in them (a document ends with a bracket)
                }

                d += digits;
            }
            else
            {
                d = ClosingQuote(data, d);
                if (d < 0)
                {
                    return false;
                }
            }

            closes[h] = d;
            t = hole.End;
        }

        if (!data[d..].SequenceEqual(template[t..]))
        {
            return false;
        }

        TemplateEvents++;
        d = 0;
        t = 0;
        for (int h = 0; h < _holeCount; h++)
        {
            var hole = _holes[h];
            int start = d + (hole.Start - t); // the hole's start in the data: the literal before it matched
            int close = closes[h];
            d = close;
            t = hole.End;
            Take(ref c, at, hole, start, close);
        }

        return true;
    }

    /// <summary>
    /// The common case first: the event is the template byte for byte but for the varying hole (the reasoning string,
    /// else the last plain string), so one prefix compare, one search for the closing quote and one suffix compare.
    /// </summary>
    private bool TryVaryingOnly(ref Cursor c, int at, ReadOnlySpan<byte> data)
    {
        var hole = _holes[_varying];
        var template = _template.AsSpan(0, _templateLength);
        if (!data.StartsWith(template[..hole.Start]))
        {
            return false;
        }

        int close = ClosingQuote(data, hole.Start);
        if (close < 0 || !data[close..].SequenceEqual(template[hole.End..]))
        {
            return false;
        }

        TemplateEvents++;
        Take(ref c, at, hole, hole.Start, close);
        return true;
    }

    /// <summary>What the tokenizer does with a reasoning string's body <c>[start, close)</c> of the event at <paramref name="at"/>.</summary>
    private void Take(ref Cursor c, int at, Hole hole, int start, int close)
    {
        if (hole.Role < HoleRole.Count)
        {
            return;
        }

        int length = close - start;
        if (hole.Counted)
        {
            _reasoningBytes += length;
        }

        if (hole.Role == HoleRole.Strip)
        {
            c.Keep(at + start); // up to and with the opening quote
            c.KeepFrom = at + close; // the closing quote stays
            if (hole.Counted)
            {
                _strippedBytes += length;
            }
        }
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
        _recordedHoles = 0;
        Value(ref c, from, to);
        _recording = false;
        if (_json != Json.Done || _effects != effects || _recordedHoles < 0 || to - from > TemplateBytes)
        {
            return;
        }

        c.Input[from..to].CopyTo(_template);
        for (int h = 0; h < _recordedHoles; h++)
        {
            var hole = _candidateHoles[h];
            _holes[h] = new Hole(hole.Start - from, hole.End - from, hole.Role, hole.Counted);
        }

        _templateLength = to - from;
        _holeCount = _recordedHoles;
        _varying = Varying();
        _templateEvent = name;
        _templatesRecorded++;
    }

    /// <summary>The one reasoning hole, else the last plain string hole; -1 with several reasoning holes or no string.</summary>
    private int Varying()
    {
        int reasoning = -1;
        int text = -1;
        for (int h = 0; h < _holeCount; h++)
        {
            switch (_holes[h].Role)
            {
                case HoleRole.Count or HoleRole.Strip:
                    if (reasoning >= 0)
                    {
                        return -1; // both would have to be counted: the hole walk does it
                    }

                    reasoning = h;
                    break;
                case HoleRole.Text:
                    text = h;
                    break;
            }
        }

        return reasoning >= 0 ? reasoning : text;
    }

    /// <summary>The tokenizer opened a string value at <paramref name="at"/> (its opening quote), its role set.</summary>
    /// <remarks>Out of line, so that the tokenizer's hot loop stays small enough for the JIT to inline its parts.</remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RecordOpen(int at) => _openString = _role == Role.Capture ? -1 : at + 1;

    /// <summary>The tokenizer closed a string value at <paramref name="at"/> (its closing quote), before its role is cleared.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RecordClose(int at)
    {
        if (_openString >= 0)
        {
            var role = _role switch
            {
                Role.Count => HoleRole.Count,
                Role.Strip => HoleRole.Strip,
                _ => HoleRole.Text,
            };
            AddHole(new Hole(_openString, at, role, _counted));
        }
    }

    /// <summary>The tokenizer read the integer <c>[start, end)</c> (digits only).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RecordNumber(int end) => AddHole(new Hole(_numberStart, end, HoleRole.Digits, counted: false));

    private void AddHole(Hole hole)
    {
        if (_recordedHoles >= 0 && _recordedHoles < MaxHoles)
        {
            _candidateHoles[_recordedHoles++] = hole;
        }
        else
        {
            _recordedHoles = -1; // too many: no template
        }
    }

    private enum HoleRole : byte
    {
        Digits,
        Text,
        Count,
        Strip,
    }

    /// <summary>A part of the template any event may differ in: a string's body <c>[Start, End)</c> (End at its closing quote), or an integer.</summary>
    private readonly struct Hole(int start, int end, HoleRole role, bool counted)
    {
        public int Start { get; } = start;

        public int End { get; } = end;

        public HoleRole Role { get; } = role;

        public bool Counted { get; } = counted;
    }
}
