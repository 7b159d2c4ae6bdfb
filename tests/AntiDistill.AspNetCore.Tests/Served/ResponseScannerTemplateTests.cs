using System.Text;
using AntiDistill.Requests;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace AntiDistill.AspNetCore.Tests.Served;

/// <summary>
/// The reasoning-delta template (<c>ResponseScanner.Template.cs</c>) must count and blank exactly what the tokenizer
/// would: streams of events that share an envelope and differ in their reasoning text, including texts that break the
/// string (a raw quote, a trailing backslash), envelopes that carry usage or an error, other event names and line ends.
/// </summary>
public class ResponseScannerTemplateTests
{
    private const string ChatHead = """{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1741000000,"model":"m","choices":""";

    [Property(MaxTest = 400)]
    public Property Process_EnvelopeStreams_TemplateCountsAndOutputAsTokenizer() =>
        Prop.ForAll(Streams().ToArbitrary(), Gen.ArrayOf(Gen.Choose(0, 8192)).ToArbitrary(), Gen.Elements(false, true).ToArbitrary(),
            (stream, cuts, strip) =>
            {
                var (format, text) = stream;
                var bytes = Encoding.UTF8.GetBytes(text);
                var splits = cuts.Select(c => bytes.Length == 0 ? 0 : (int)((uint)c % (uint)bytes.Length)).ToArray();
                var fast = ScannerHarness.Run(format, sse: true, strip, bytes, splits);
                var slow = ScannerHarness.Run(format, sse: true, strip, bytes, splits, skipWholeEvents: false);
                // Malformed is left out as in ResponseScannerPropertyTests: the answer-delta fast path checks brackets only.
                return fast.Output.AsSpan().SequenceEqual(slow.Output) && SameCounts(fast.Scan, slow.Scan);
            });

    [Theory]
    [InlineData(RequestFormat.OpenAIChatCompletions, false)]
    [InlineData(RequestFormat.OpenAIChatCompletions, true)]
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

    private static Gen<(RequestFormat, string)> Streams() =>
        Gen.Elements(RequestFormat.OpenAIChatCompletions, RequestFormat.AnthropicMessages, RequestFormat.OpenAIResponses)
            .SelectMany(format => Gen.ArrayOf(Event(format)).Select(events => (format, string.Concat(events))));

    private static Gen<string> Event(RequestFormat format) =>
        Text().SelectMany(text => Gen.Elements(Shapes(format, text)))
            .SelectMany(data => Gen.Elements("\n\n", "\n\n", "\n\n", "\r\n\r\n", "\r\r", "\n", "\ndata: {}\n\n").Select(end => data + end));

    private static string[] Shapes(RequestFormat format, string text) => format switch
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
            $$$$"""event: response.output_text.delta{{{{"\n"}}}}data: {"type":"response.output_text.delta","item_id":"msg_1","delta":"{{{{text}}}}"}""",
            $$$$"""data: {"type":"response.completed","response":{"usage":{"input_tokens":3,"output_tokens":{{{{text.Length}}}}}}}""",
        ],
        _ =>
        [
            ChatHead + $$$$"""[{"index":0,"delta":{"reasoning_content":"{{{{text}}}}"},"logprobs":null,"finish_reason":null}]}""",
            "data: " + ChatHead + $$$$"""[{"index":0,"delta":{"reasoning_content":"{{{{text}}}}"},"logprobs":null,"finish_reason":null}]}""",
            "data: " + ChatHead + $$$$"""[{"index":0,"delta":{"reasoning_content":"{{{{text}}}}"},"logprobs":null,"finish_reason":null}]}""",
            "data: " + ChatHead + $$$$"""[{"index":0,"delta":{"reasoning":"{{{{text}}}}"}}]}""",
            "data: " + ChatHead + $$$$"""[{"index":0,"delta":{"content":"{{{{text}}}}","reasoning_content":null}}]}""",
            "data: " + ChatHead + $$$$"""[{"index":0,"message":{"reasoning_content":"{{{{text}}}}"}}]}""",
            "data: " + $$$$"""{"x":{"reasoning_content":"{{{{text}}}}"}}""",
            "data: " + $$$$"""{"choices":[{"delta":{"reasoning_content":"{{{{text}}}}"}}],"usage":{"completion_tokens":{{{{text.Length}}}}}}""",
            "data: " + $$$$"""{"error":{"message":"{{{{text}}}}"}}""",
            "data: " + ChatHead + $$$$"""[{"index":0,"delta":{"reasoning_content":"{{{{text}}}}","reasoning_content":"{{{{text}}}}"}}]}""",
            "data: [DONE]",
        ],
    };

    /// <summary>Reasoning text, usually a valid JSON string body, sometimes one that ends the string early or never.</summary>
    private static Gen<string> Text() =>
        Gen.Elements("a", "b", " ", "\u00e9", "\U0001F642", "\\\"", "\\\\", "\\n", "\\u00e9", "}", "{", "[", "]", ":", ",", "\"", "\\", "\"}", "x\\")
            .ArrayOf()
            .Select(string.Concat);

    private static bool Same(ServedScan a, ServedScan b) => SameCounts(a, b) && a.Malformed == b.Malformed;

    private static bool SameCounts(ServedScan a, ServedScan b) =>
        a.InputTokens == b.InputTokens && a.OutputTokens == b.OutputTokens && a.ReasoningTokens == b.ReasoningTokens
        && a.ReasoningTokensWithheld == b.ReasoningTokensWithheld && a.SawUsage == b.SawUsage && a.StreamError == b.StreamError
        && a.ReasoningBytes == b.ReasoningBytes && a.StrippedBytes == b.StrippedBytes;
}
