using System.Text;
using AntiDistill.Requests;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace AntiDistill.AspNetCore.Tests.Served;

/// <summary>
/// The delta template (<c>ResponseScanner.Template.cs</c>) must count and blank exactly what the tokenizer would:
/// streams of events that share an envelope and differ in their texts and integers, including texts that break the
/// string (a raw quote, a trailing backslash), envelopes that carry usage or an error, member names and types that
/// change, decimals and negatives where integers were, other event names and line ends.
/// </summary>
public class ResponseScannerTemplateTests
{
    private const string ChatHead = """{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1741000000,"model":"m","choices":""";

    /// <remarks>
    /// Compared after every chunk, not only at the end: the error flag is sticky, so an error that only the tokenizer saw
    /// would hide behind any later one. Chunks are whole events (where the template applies) with a few cut inside.
    /// </remarks>
    [Property(MaxTest = 400)]
    public Property Process_EnvelopeStreams_TemplateCountsAndOutputAsTokenizer() =>
        Prop.ForAll(Streams().ToArbitrary(), Gen.ArrayOf(Gen.Choose(0, 8192)).ToArbitrary(), Gen.Elements(false, true).ToArbitrary(),
            (stream, cuts, strip) =>
            {
                var (format, events) = stream;
                var bytes = Encoding.UTF8.GetBytes(string.Concat(events));
                var bounds = new List<int>();
                int at = 0;
                foreach (string e in events)
                {
                    bounds.Add(at += Encoding.UTF8.GetByteCount(e));
                }

                var splits = bounds.Concat(cuts.Take(3).Select(c => bytes.Length == 0 ? 0 : (int)((uint)c % (uint)bytes.Length)));
                return Lockstep(format, strip, bytes, splits);
            });

    [Theory]
    [InlineData(RequestFormat.OpenAIChatCompletions, false)]
    [InlineData(RequestFormat.OpenAIChatCompletions, true)]
    [InlineData(RequestFormat.OpenAIResponses, false)]
    [InlineData(RequestFormat.OpenAIResponses, true)]
    [InlineData(RequestFormat.AnthropicMessages, false)]
    public void Process_ReasoningModelStream_DeltasReadThroughTemplate(RequestFormat format, bool strip)
    {
        var bytes = ServedStreams.Stream(format, 200);
        var scanner = new ResponseScanner();
        scanner.Reset(format, serverSentEvents: true, strip);
        var output = new byte[bytes.Length];
        foreach (var chunk in ServedStreams.Events(format, 200).Select(Encoding.UTF8.GetBytes))
        {
            scanner.Process(chunk, output);
        }

        var fast = scanner.Complete();
        var slow = ScannerHarness.Run(format, sse: true, strip, bytes, skipWholeEvents: false).Scan;

        // 100 reasoning deltas, then 100 answer deltas: the first of each run is tokenized and becomes the template, the
        // other 99 match it.
        Assert.Equal(198, scanner.TemplateEvents);
        Assert.True(Same(fast, slow));
        Assert.True(fast.ReasoningBytes > 0);
    }

    [Fact]
    public void Process_EnvelopeWithRandomPaddingAndCounter_DeltasReadThroughTemplate()
    {
        // OpenAI pads each chunk with a random "obfuscation" string; some servers number their chunks: both are holes.
        var random = new Random(7);
        var events = Enumerable.Range(0, 50).Select(n =>
            $$$$"""data: {"id":"c","seq":{{{{n * 13}}}},"choices":[{"index":0,"delta":{"reasoning_content":"step {{{{n}}}}"}}],"obfuscation":"{{{{new string('x', random.Next(1, 30))}}}}"}""" + "\n\n").ToArray();
        var scanner = new ResponseScanner();
        scanner.Reset(RequestFormat.OpenAIChatCompletions, serverSentEvents: true, strip: false);
        foreach (string e in events)
        {
            scanner.Process(Encoding.UTF8.GetBytes(e), default);
        }

        var slow = ScannerHarness.Run(RequestFormat.OpenAIChatCompletions, sse: true, strip: false, string.Concat(events), skipWholeEvents: false).Scan;

        Assert.Equal(49, scanner.TemplateEvents);
        Assert.True(Same(scanner.Complete(), slow));
    }

    [Fact]
    public void Process_DeltaThatAlsoCarriesUsage_NeverTemplate()
    {
        // A usage count in the envelope is an assignment: a later event must re-assign it, so it cannot be skipped.
        string Event(int tokens) => $$$$"""data: {"choices":[{"index":0,"delta":{"reasoning_content":"abc"}}],"usage":{"completion_tokens":{{{{tokens}}}}}}""" + "\n\n";
        var scanner = new ResponseScanner();
        scanner.Reset(RequestFormat.OpenAIChatCompletions, serverSentEvents: true, strip: false);
        foreach (string e in new[] { Event(5), Event(9), Event(5) })
        {
            scanner.Process(Encoding.UTF8.GetBytes(e), default);
        }

        Assert.Equal(0, scanner.TemplateEvents);
        Assert.Equal(5, scanner.Complete().OutputTokens);
    }

    [Fact]
    public void Process_SuffixDiffers_ReadAsTokenizerDoes()
    {
        // The same envelope up to the end of the reasoning text, then usage where the template had none.
        string Event(string tail) => """data: {"choices":[{"index":0,"delta":{"reasoning_content":"abc"}}],""" + tail + "}\n\n";
        var bytes = Encoding.UTF8.GetBytes(Event("\"x\":1") + Event("\"usage\":{\"completion_tokens\":7}"));

        var fast = ScannerHarness.Run(RequestFormat.OpenAIChatCompletions, sse: true, strip: false, bytes).Scan;

        Assert.Equal(7, fast.OutputTokens);
        Assert.Equal(6, fast.ReasoningBytes);
    }

    [Fact]
    public void Process_TypeValueDiffers_ReadAsTokenizerDoes()
    {
        // A type value is read (an "error" type is a stream error), so it is part of the template, never a hole.
        string Event(string type) => $$$$"""data: {"type":"{{{{type}}}}","choices":[{"index":0,"delta":{"reasoning_content":"abc"}}]}""" + "\n\n";
        var bytes = Encoding.UTF8.GetBytes(Event("x1") + Event("error"));

        var fast = ScannerHarness.Run(RequestFormat.OpenAIChatCompletions, sse: true, strip: false, bytes).Scan;

        Assert.True(fast.StreamError);
        Assert.Equal(6, fast.ReasoningBytes);
    }

    private static Gen<(RequestFormat, string[])> Streams() =>
        Gen.Elements(RequestFormat.OpenAIChatCompletions, RequestFormat.AnthropicMessages, RequestFormat.OpenAIResponses)
            .SelectMany(format => Gen.ArrayOf(Run(format)).Select(runs => (format, runs.SelectMany(r => r).ToArray())));

    /// <summary>The fast and the tokenizer-only scanner fed the same chunks: the same bytes out and the same counts after each.</summary>
    private static bool Lockstep(RequestFormat format, bool strip, byte[] bytes, IEnumerable<int> cuts)
    {
        var fast = new ResponseScanner();
        var slow = new ResponseScanner { SkipsWholeEvents = false };
        fast.Reset(format, serverSentEvents: true, strip);
        slow.Reset(format, serverSentEvents: true, strip);
        int at = 0;
        foreach (int cut in cuts.Where(c => c > 0 && c < bytes.Length).Append(bytes.Length).Order().Distinct())
        {
            var a = bytes[at..cut];
            var b = bytes[at..cut];
            int na = fast.Process(a, a);
            int nb = slow.Process(b, b);
            if (!a.AsSpan(0, na).SequenceEqual(b.AsSpan(0, nb)) || !SameCounts(fast.Complete(), slow.Complete()))
            {
                return false;
            }

            at = cut;
        }

        return true;
    }

    /// <summary>A few events of one shape in a row, as a stream has them: the first makes the template, the next try it.</summary>
    private static Gen<string[]> Run(RequestFormat format) =>
        Gen.Choose(0, Shapes(format, "", 0).Length - 1)
            .SelectMany(shape => Gen.Choose(1, 4).SelectMany(k => Event(format, shape).ArrayOf().Select(events => events.Take(k).ToArray())));

    private static Gen<string> Event(RequestFormat format, int shape) =>
        Text().SelectMany(text => Gen.Choose(0, 1200).Select(n => Shapes(format, text, n)[shape]))
            .SelectMany(data => Gen.Elements("\n\n", "\n\n", "\n\n", "\r\n\r\n", "\r\r", "\n", "\ndata: {}\n\n").Select(end => data + end));

    /// <summary>Event shapes around <paramref name="text"/>; <paramref name="n"/> stands for what changes from event to event besides it.</summary>
    private static string[] Shapes(RequestFormat format, string text, int n) => format switch
    {
        RequestFormat.AnthropicMessages =>
        [
            $$$$"""event: content_block_delta{{{{"\n"}}}}data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"{{{{text}}}}"}}""",
            $$$$"""event: content_block_delta{{{{"\n"}}}}data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"{{{{text}}}}"}}""",
            $$$$"""event: ping{{{{"\n"}}}}data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"{{{{text}}}}"}}""",
            $$$$"""data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"{{{{text}}}}"}}""",
            $$$$"""event: content_block_delta{{{{"\n"}}}}data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"{{{{text}}}}"}}""",
            $$$$"""event: message_delta{{{{"\n"}}}}data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":{{{{text.Length}}}}}}""",
            $$$$"""event: error{{{{"\n"}}}}data: {"type":"error","error":{"type":"overloaded_error","message":"{{{{text}}}}"}}""",
            $$$$"""event: content_block_delta{{{{"\n"}}}}data: {"type":"error","delta":{"type":"thinking_delta","thinking":"{{{{text}}}}"}}""",
        ],
        RequestFormat.OpenAIResponses =>
        [
            $$$$"""event: response.reasoning_summary_text.delta{{{{"\n"}}}}data: {"type":"response.reasoning_summary_text.delta","sequence_number":1,"item_id":"rs_1","delta":"{{{{text}}}}"}""",
            $$$$"""event: response.reasoning_summary_text.delta{{{{"\n"}}}}data: {"type":"response.reasoning_summary_text.delta","item_id":"rs_1","delta":"{{{{text}}}}"}""",
            $$$$"""event: response.reasoning_summary_text.delta{{{{"\n"}}}}data: {"type":"response.reasoning_summary_text.delta","sequence_number":{{{{n}}}},"delta":"{{{{text}}}}","obfuscation":"{{{{n * 7}}}}x"}""",
            $$$$"""event: response.reasoning_summary_text.delta{{{{"\n"}}}}data: {"type":"response.reasoning_summary_text.delta","sequence_number":{{{{n}}}}.5,"delta":"{{{{text}}}}"}""",
            $$$$"""event: response.reasoning_summary_text.delta{{{{"\n"}}}}data: {"type":"response.reasoning_summary_text.delta","sequence_number":-{{{{n}}}},"delta":"{{{{text}}}}"}""",
            $$$$"""event: response.reasoning_summary_text.done{{{{"\n"}}}}data: {"type":"response.reasoning_summary_text.done","sequence_number":{{{{n}}}},"text":"{{{{text}}}}"}""",
            $$$$"""event: response.output_text.delta{{{{"\n"}}}}data: {"type":"response.output_text.delta","item_id":"msg_1","delta":"{{{{text}}}}"}""",
            $$$$"""event: response.output_text.delta{{{{"\n"}}}}data: {"type":"response.output_text.delta","sequence_number":{{{{n}}}},"delta":"{{{{text}}}}","obfuscation":"{{{{text}}}}"}""",
            $$$$"""data: {"type":"response.completed","response":{"usage":{"input_tokens":3,"output_tokens":{{{{text.Length}}}}}}}""",
        ],
        _ =>
        [
            ChatHead + $$$$"""[{"index":0,"delta":{"reasoning_content":"{{{{text}}}}"},"logprobs":null,"finish_reason":null}]}""",
            "data: " + ChatHead + $$$$"""[{"index":0,"delta":{"reasoning_content":"{{{{text}}}}"},"logprobs":null,"finish_reason":null}]}""",
            "data: " + ChatHead + $$$$"""[{"index":0,"delta":{"reasoning_content":"{{{{text}}}}"},"logprobs":null,"finish_reason":null}]}""",
            "data: " + ChatHead + $$$$"""[{"index":0,"delta":{"reasoning":"{{{{text}}}}"}}]}""",
            "data: " + ChatHead + $$$$"""[{"index":{{{{n % 3}}}},"delta":{"reasoning_content":"{{{{text}}}}"}}],"obfuscation":"{{{{n}}}}"}""",
            "data: " + $$$$"""{"created":{{{{n}}}},"choices":[{"index":0,"delta":{"reasoning_content":"{{{{text}}}}"}}],"usage":{"completion_tokens":{{{{n}}}}}}""",
            "data: " + $$$$"""{"choices":[{"index":0,"delta":{"reasoning_content":"{{{{text}}}}"}}],"usage":{"completion_tokens":{{{{n}}}}e1}}""",
            "data: " + $$$$"""{"choices":[{"index":0,"delta":{"reasoning_content":"{{{{text}}}}","type":"{{{{(n % 2 == 0 ? "error" : "x" + n)}}}}"}}]}""",
            "data: " + $$$$"""{"type":"{{{{(n % 2 == 0 ? "error" : "x" + n)}}}}","choices":[{"index":0,"delta":{"reasoning_content":"{{{{text}}}}"}}]}""",
            "data: " + $$$$"""{"{{{{(n % 2 == 0 ? "usage" : "x" + n)}}}}":{"prompt_tokens":{{{{n}}}}},"choices":[{"index":0,"delta":{"reasoning_content":"{{{{text}}}}"}}]}""",
            "data: " + ChatHead + $$$$"""[{"index":0,"delta":{"content":"{{{{text}}}}","reasoning_content":null}}]}""",
            "data: " + ChatHead + $$$$"""[{"index":0,"message":{"reasoning_content":"{{{{text}}}}"}}]}""",
            "data: " + $$$$"""{"x":{"reasoning_content":"{{{{text}}}}"}}""",
            "data: " + $$$$"""{"choices":[{"delta":{"reasoning_content":"{{{{text}}}}"}}],"usage":{"completion_tokens":{{{{text.Length}}}}}}""",
            "data: " + $$$$"""{"error":{"message":"{{{{text}}}}"}}""",
            "data: " + ChatHead + $$$$"""[{"index":0,"delta":{"reasoning_content":"{{{{text}}}}","reasoning_content":"{{{{text}}}}"}}]}""",
            "data: [DONE]",
        ],
    };

    /// <summary>Reasoning text: mostly a valid JSON string body (escapes included), one in five that ends the string early or never.</summary>
    private static Gen<string> Text() =>
        Gen.Frequency(
            (4, Gen.Elements("a", "b", " ", "\u00e9", "\U0001F642", "\\\"", "\\\\", "\\n", "\\u00e9", "}", "{", "[", "]", ":", ",", "1", "-").ArrayOf()),
            (1, Gen.Elements("a", "\"", "\\", "\"}", "x\\", "\\\"").ArrayOf()))
            .Select(parts => string.Concat(parts.Take(12)));

    private static bool Same(ServedScan a, ServedScan b) => SameCounts(a, b) && a.Malformed == b.Malformed;

    private static bool SameCounts(ServedScan a, ServedScan b) =>
        a.InputTokens == b.InputTokens && a.OutputTokens == b.OutputTokens && a.ReasoningTokens == b.ReasoningTokens
        && a.ReasoningTokensWithheld == b.ReasoningTokensWithheld && a.SawUsage == b.SawUsage && a.StreamError == b.StreamError
        && a.ReasoningBytes == b.ReasoningBytes && a.StrippedBytes == b.StrippedBytes;
}
