using System.Text;
using System.Text.Json;
using AntiDistill.Requests;

namespace AntiDistill.AspNetCore.Tests.Served;

public class ResponseScannerTests
{
    private const int Chunks = 200;

    public static TheoryData<RequestFormat> Formats => new(ServedStreams.Formats);

    private static int ReasoningJsonBytes => Encoding.UTF8.GetByteCount(ServedStreams.Reasoning);

    [Theory]
    [MemberData(nameof(Formats))]
    public void Process_Stream_ReadsUsage(RequestFormat format)
    {
        var (scan, output) = ScannerHarness.Run(format, sse: true, strip: false, ServedStreams.Stream(format, Chunks));

        Assert.True(scan.SawUsage);
        Assert.False(scan.Malformed);
        Assert.False(scan.StreamError);
        Assert.Equal(ServedStreams.InputTokens, scan.InputTokens);
        Assert.Equal(Chunks, scan.OutputTokens);
        Assert.Equal(ServedStreams.Stream(format, Chunks), output);
    }

    [Fact]
    public void Process_ChatStream_ReportedReasoningTokensAndTextCounted()
    {
        var (scan, _) = ScannerHarness.Run(RequestFormat.OpenAIChatCompletions, sse: true, strip: false, ServedStreams.Stream(RequestFormat.OpenAIChatCompletions, Chunks));

        Assert.Equal(Chunks / 2, scan.ReasoningTokens);
        Assert.Equal(Chunks / 2 * ReasoningJsonBytes, scan.ReasoningBytes);
        Assert.Equal(0, scan.ReasoningTokensWithheld);
    }

    [Fact]
    public void Process_AnthropicStream_ThinkingEstimatedFromBytes()
    {
        var (scan, _) = ScannerHarness.Run(RequestFormat.AnthropicMessages, sse: true, strip: false, ServedStreams.Stream(RequestFormat.AnthropicMessages, 4));

        // 2 thinking deltas; the estimate (bytes / 4) is capped at the output tokens the usage reports.
        Assert.Equal(2 * ReasoningJsonBytes, scan.ReasoningBytes);
        Assert.Equal(4, scan.ReasoningTokens);
        Assert.Equal(ServedStreams.InputTokens, scan.InputTokens); // 15 + 10 read from the cache
    }

    [Fact]
    public void Process_ChatWithoutReasoningTokens_EstimatesFromReasoningText()
    {
        string body = """{"choices":[{"index":0,"message":{"role":"assistant","content":"Hi","reasoning_content":"0123456789abcdef"}}],"usage":{"prompt_tokens":3,"completion_tokens":100}}""";

        var (scan, _) = ScannerHarness.Run(RequestFormat.OpenAIChatCompletions, sse: false, strip: false, body);

        Assert.Equal(4, scan.ReasoningTokens);
        Assert.Equal(3, scan.InputTokens);
        Assert.Equal(100, scan.OutputTokens);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Process_JsonBody_ReadsUsage(RequestFormat format)
    {
        var (scan, output) = ScannerHarness.Run(format, sse: false, strip: false, ServedStreams.Json(format));

        Assert.True(scan.SawUsage);
        Assert.False(scan.Malformed);
        Assert.Equal(ServedStreams.InputTokens, scan.InputTokens);
        Assert.Equal(120, scan.OutputTokens);
        Assert.Equal(ReasoningJsonBytes, scan.ReasoningBytes);
        Assert.Equal(ServedStreams.Json(format), output);
    }

    [Theory]
    [InlineData(RequestFormat.OpenAIChatCompletions)]
    [InlineData(RequestFormat.OpenAIResponses)]
    public void Process_StrippedStream_EveryEventValidJsonNoReasoningUsageKept(RequestFormat format)
    {
        var (scan, output) = ScannerHarness.Run(format, sse: true, strip: true, Encoding.UTF8.GetString(ServedStreams.Stream(format, Chunks)));

        Assert.DoesNotContain("Let me think", output, StringComparison.Ordinal);
        Assert.Contains(ServedStreams.Answer, output, StringComparison.Ordinal);
        var events = ScannerHarness.Events(output);
        Assert.Equal(ServedStreams.Events(format, Chunks).Count, events.Count);
        foreach (var (_, data) in events.Where(e => e.Data != "[DONE]"))
        {
            using var document = JsonDocument.Parse(data);
        }

        Assert.Equal(Chunks, scan.OutputTokens);
        Assert.Equal(Chunks / 2, scan.ReasoningTokensWithheld); // chat: the reported reasoning; responses: the summary's bytes / 4, capped at the output
    }

    [Theory]
    [InlineData(RequestFormat.OpenAIChatCompletions, "\"reasoning_content\":\"\"")]
    [InlineData(RequestFormat.OpenAIResponses, "{\"type\":\"summary_text\",\"text\":\"\"}")]
    public void Process_StrippedJsonBody_ReasoningBlankedAnswerKept(RequestFormat format, string blanked)
    {
        var (scan, output) = ScannerHarness.Run(format, sse: false, strip: true, ServedStreams.Json(format));

        Assert.Equal(ServedStreams.Json(format).Replace(ServedStreams.Reasoning, "", StringComparison.Ordinal), output);
        Assert.Contains(blanked, output, StringComparison.Ordinal);
        Assert.Equal(ReasoningJsonBytes, scan.StrippedBytes);
        Assert.True(scan.ReasoningTokensWithheld > 0);
    }

    [Fact]
    public void Process_AnthropicStrip_NothingChanged()
    {
        var stream = ServedStreams.Stream(RequestFormat.AnthropicMessages, 10);

        var (scan, output) = ScannerHarness.Run(RequestFormat.AnthropicMessages, sse: true, strip: true, stream);

        Assert.Equal(stream, output);
        Assert.Equal(0, scan.StrippedBytes);
    }

    [Fact]
    public void Process_ResponsesOutputText_NotStripped()
    {
        string stream = """
            event: response.output_text.delta
            data: {"type":"response.output_text.delta","item_id":"msg_1","output_index":1,"content_index":0,"delta":"Paris"}


            """.Replace("\r\n", "\n", StringComparison.Ordinal);

        var (scan, output) = ScannerHarness.Run(RequestFormat.OpenAIResponses, sse: true, strip: true, stream);

        Assert.Equal(stream, output);
        Assert.Equal(0, scan.StrippedBytes);
        Assert.False(scan.Malformed);
    }

    [Theory]
    [InlineData("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7}}\n\n", false, 5, 7)]
    [InlineData("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7}}\r\n\r\n", false, 5, 7)]
    [InlineData("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7}}\r\r", false, 5, 7)]
    [InlineData(": keep-alive\n\ndata: {\"choices\":[],\ndata: \"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7}}\n\n", false, 5, 7)] // one event, two data lines
    [InlineData("data:{\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7}}\n\ndata: [DONE]\n\n", false, 5, 7)]
    [InlineData("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7}}\n", true, 5, 7)] // no blank line: cut short
    [InlineData("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tok", true, 5, 0)]
    [InlineData("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7},,}\n\n", true, 5, 7)]
    [InlineData("data: {\"choices\":[}\n\ndata: {\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7}}\n\n", true, 5, 7)] // a broken event, a good one after
    [InlineData("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7}}data: {}\n\n", true, 5, 7)]
    [InlineData("data: [DONE]\n\n", false, 0, 0)]
    [InlineData("", false, 0, 0)]
    public void Process_Framing_MalformedAndUsageAsExpected(string stream, bool malformed, int input, int output)
    {
        var (scan, passed) = ScannerHarness.Run(RequestFormat.OpenAIChatCompletions, sse: true, strip: false, stream);

        Assert.Equal(malformed, scan.Malformed);
        Assert.Equal(input, scan.InputTokens);
        Assert.Equal(output, scan.OutputTokens);
        Assert.Equal(stream, passed);
    }

    [Theory]
    [InlineData("{\"error\":{\"message\":\"Rate limit\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}", RequestFormat.OpenAIChatCompletions)]
    [InlineData("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}", RequestFormat.AnthropicMessages)]
    public void Process_ErrorBody_StreamErrorNoUsage(string body, RequestFormat format)
    {
        var (scan, _) = ScannerHarness.Run(format, sse: false, strip: false, body);

        Assert.True(scan.StreamError);
        Assert.False(scan.SawUsage);
        Assert.False(scan.Malformed);
    }

    [Fact]
    public void Process_AnthropicErrorEventMidStream_StreamError()
    {
        string stream = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":9,\"output_tokens\":1}}}\n\n"
            + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";

        var (scan, _) = ScannerHarness.Run(RequestFormat.AnthropicMessages, sse: true, strip: false, stream);

        Assert.True(scan.StreamError);
        Assert.Equal(9, scan.InputTokens);
    }

    [Fact]
    public void Process_NegativeAndFractionalCounts_Ignored()
    {
        var (scan, _) = ScannerHarness.Run(RequestFormat.OpenAIChatCompletions, sse: false, strip: false,
            """{"usage":{"prompt_tokens":-5,"completion_tokens":7.5,"total_tokens":99999999999999}}""");

        Assert.Equal(0, scan.InputTokens);
        Assert.Equal(0, scan.OutputTokens);
    }

    [Fact]
    public void Process_EventNamingNothingReadWhereTemplatesDoNotPay_SkipsTokenizer()
    {
        // Envelopes that differ in a member name never match a template, so after a few tries such events are passed over.
        // Balanced but not JSON: the fast path checks only framing and brackets, the tokenizer sees the missing value.
        string stream = string.Concat(Enumerable.Range(0, 20).Select(n => $"data: {{\"n{n}\":0,\"choices\":[{{\"delta\":{{\"content\":\"x\"}}}}]}}\n\n"))
            + "data: {\"choices\":[{\"delta\":{\"content\":}}]}\n\n";

        var (fast, _) = ScannerHarness.Run(RequestFormat.OpenAIChatCompletions, sse: true, strip: false, stream);
        var (slow, _) = ScannerHarness.Run(RequestFormat.OpenAIChatCompletions, sse: true, strip: false, stream, skipWholeEvents: false);

        Assert.False(fast.Malformed);
        Assert.True(slow.Malformed);
    }

    [Fact]
    public void Process_EventNamingNothingReadLongerThanTemplate_SkipsTokenizer()
    {
        // A delta longer than a template can hold could never become one: it is passed over, as before templates.
        // The second is balanced but not JSON (a member without a value): only the tokenizer would see that.
        string pad = new('x', 2000);
        string stream = $"data: {{\"choices\":[{{\"delta\":{{\"content\":\"{pad}\"}}}}]}}\n\n"
            + $"data: {{\"choices\":[{{\"delta\":{{\"content\":}}}}],\"pad\":\"{pad}\"}}\n\n";

        var (fast, _) = ScannerHarness.Run(RequestFormat.OpenAIChatCompletions, sse: true, strip: false, stream);
        var (slow, _) = ScannerHarness.Run(RequestFormat.OpenAIChatCompletions, sse: true, strip: false, stream, skipWholeEvents: false);

        Assert.False(fast.Malformed);
        Assert.True(slow.Malformed);
    }

    [Fact]
    public void Process_FirstEventNamingNothingRead_TokenizedForTemplate()
    {
        // The first answer delta of a stream is tokenized to become the template, so its verdict is the tokenizer's.
        const string Stream = "data: {\"choices\":[{\"delta\":{\"content\":}}]}\n\n";

        var (fast, _) = ScannerHarness.Run(RequestFormat.OpenAIChatCompletions, sse: true, strip: false, Stream);

        Assert.True(fast.Malformed);
    }

    [Fact]
    public void Process_DeeplyNested_MalformedNoThrow()
    {
        string body = new string('[', 100) + new string(']', 100);

        var (scan, output) = ScannerHarness.Run(RequestFormat.OpenAIChatCompletions, sse: false, strip: true, body);

        Assert.True(scan.Malformed);
        Assert.Equal(body, output);
    }
}
