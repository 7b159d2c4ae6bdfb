using System.Text;
using AntiDistill.Requests;

namespace AntiDistill.AspNetCore.Tests;

/// <summary>
/// Realistic responses of the three formats, as the APIs (and vLLM / SGLang / DeepSeek for chat reasoning) send them:
/// server-sent event streams of any length and JSON bodies. Every one reports <see cref="InputTokens"/> input tokens
/// (Anthropic's as 15 plus 10 read from the cache), <c>chunks</c> output tokens, half of them reasoning. Shared with the benchmarks.
/// </summary>
internal static class ServedStreams
{
    public const int InputTokens = 25;
    public const string Reasoning = "Let me think: \\\"Paris\\\" is the capital,\\n and caf\u00e9 \\u00e9 ";
    public const string Answer = "Paris is the capital of France. ";
    public const string Signature = "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds";

    public static RequestFormat[] Formats => [RequestFormat.OpenAIChatCompletions, RequestFormat.OpenAIResponses, RequestFormat.AnthropicMessages];

    /// <summary>The events (each a whole frame ending in a blank line) of a stream with <paramref name="chunks"/> text deltas.</summary>
    public static List<string> Events(RequestFormat format, int chunks) => format switch
    {
        RequestFormat.OpenAIChatCompletions => ChatEvents(chunks),
        RequestFormat.OpenAIResponses => ResponsesEvents(chunks),
        RequestFormat.AnthropicMessages => MessagesEvents(chunks),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    public static byte[] Stream(RequestFormat format, int chunks) => Encoding.UTF8.GetBytes(string.Concat(Events(format, chunks)));

    public static string Json(RequestFormat format, int outputTokens = 120) => format switch
    {
        RequestFormat.OpenAIChatCompletions => $$$$$"""
            {"id":"chatcmpl-1","object":"chat.completion","created":1741000000,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"{{{{{Answer}}}}}","reasoning_content":"{{{{{Reasoning}}}}}","tool_calls":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":{{{{{InputTokens}}}}},"completion_tokens":{{{{{outputTokens}}}}},"total_tokens":{{{{{InputTokens + outputTokens}}}}},"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":{{{{{outputTokens / 2}}}}}}}}
            """,
        RequestFormat.OpenAIResponses => $$$$$"""
            {"id":"resp_1","object":"response","created_at":1741000000,"status":"completed","model":"m","output":[{"id":"rs_1","type":"reasoning","summary":[{"type":"summary_text","text":"{{{{{Reasoning}}}}}"}]},{"id":"msg_1","type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","text":"{{{{{Answer}}}}}","annotations":[]}]}],"parallel_tool_calls":true,"tools":[],"usage":{"input_tokens":{{{{{InputTokens}}}}},"input_tokens_details":{"cached_tokens":0},"output_tokens":{{{{{outputTokens}}}}},"output_tokens_details":{"reasoning_tokens":{{{{{outputTokens / 2}}}}}},"total_tokens":{{{{{InputTokens + outputTokens}}}}}}}
            """,
        RequestFormat.AnthropicMessages => $$$$$"""
            {"id":"msg_1","type":"message","role":"assistant","model":"claude-test","content":[{"type":"thinking","thinking":"{{{{{Reasoning}}}}}","signature":"{{{{{Signature}}}}}"},{"type":"text","text":"{{{{{Answer}}}}}"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":{{{{{InputTokens - 10}}}}},"cache_creation_input_tokens":0,"cache_read_input_tokens":10,"output_tokens":{{{{{outputTokens}}}}}}}
            """,
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    private static string Data(string json) => $"data: {json}\n\n";

    private static string Event(string name, string json) => $"event: {name}\ndata: {json}\n\n";

    private static List<string> ChatEvents(int chunks)
    {
        const string Head = """{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1741000000,"model":"m","system_fingerprint":null,"choices":""";
        var events = new List<string> { Data(Head + """[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}""") };
        for (int i = 0; i < chunks; i++)
        {
            events.Add(Data(i < chunks / 2
                ? Head + $$$$$"""[{"index":0,"delta":{"reasoning_content":"{{{{{Reasoning}}}}}"},"logprobs":null,"finish_reason":null}]}"""
                : Head + $$$$$"""[{"index":0,"delta":{"content":"{{{{{Answer}}}}}","reasoning_content":null},"logprobs":null,"finish_reason":null}]}"""));
        }

        events.Add(Data(Head + """[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}"""));
        events.Add(Data(Head + $$$$$"""[],"usage":{"prompt_tokens":{{{{{InputTokens}}}}},"completion_tokens":{{{{{chunks}}}}},"total_tokens":{{{{{InputTokens + chunks}}}}},"completion_tokens_details":{"reasoning_tokens":{{{{{chunks / 2}}}}}}}}"""));
        events.Add("data: [DONE]\n\n");
        return events;
    }

    private static List<string> ResponsesEvents(int chunks)
    {
        int half = chunks / 2;
        string summary = string.Concat(Enumerable.Repeat(Reasoning, half));
        string answer = string.Concat(Enumerable.Repeat(Answer, chunks - half));
        string reasoningItem = $$$$$"""{"id":"rs_1","type":"reasoning","summary":[{"type":"summary_text","text":"{{{{{summary}}}}}"}]}""";
        string messageItem = $$$$$"""{"id":"msg_1","type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","text":"{{{{{answer}}}}}","annotations":[]}]}""";
        int seq = 0;
        string Ev(string type, string rest) => Event(type, $$$$$"""{"type":"{{{{{type}}}}}","sequence_number":{{{{{seq++}}}}},{{{{{rest}}}}}}""");
        var events = new List<string>
        {
            Ev("response.created", """ "response":{"id":"resp_1","object":"response","created_at":1741000000,"status":"in_progress","model":"m","output":[],"usage":null}"""),
            Ev("response.in_progress", """ "response":{"id":"resp_1","object":"response","created_at":1741000000,"status":"in_progress","model":"m","output":[],"usage":null}"""),
            Ev("response.output_item.added", """ "output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[]}"""),
            Ev("response.reasoning_summary_part.added", """ "item_id":"rs_1","output_index":0,"summary_index":0,"part":{"type":"summary_text","text":""}"""),
        };
        for (int i = 0; i < half; i++)
        {
            events.Add(Ev("response.reasoning_summary_text.delta", $$$$$""" "item_id":"rs_1","output_index":0,"summary_index":0,"delta":"{{{{{Reasoning}}}}}","obfuscation":"x1" """));
        }

        events.Add(Ev("response.reasoning_summary_text.done", $$$$$""" "item_id":"rs_1","output_index":0,"summary_index":0,"text":"{{{{{summary}}}}}" """));
        events.Add(Ev("response.reasoning_summary_part.done", $$$$$""" "item_id":"rs_1","output_index":0,"summary_index":0,"part":{"type":"summary_text","text":"{{{{{summary}}}}}"}"""));
        events.Add(Ev("response.output_item.done", $$$$$""" "output_index":0,"item":{{{{{reasoningItem}}}}}"""));
        events.Add(Ev("response.output_item.added", """ "output_index":1,"item":{"id":"msg_1","type":"message","status":"in_progress","role":"assistant","content":[]}"""));
        events.Add(Ev("response.content_part.added", """ "item_id":"msg_1","output_index":1,"content_index":0,"part":{"type":"output_text","text":"","annotations":[]}"""));
        for (int i = half; i < chunks; i++)
        {
            events.Add(Ev("response.output_text.delta", $$$$$""" "item_id":"msg_1","output_index":1,"content_index":0,"delta":"{{{{{Answer}}}}}","logprobs":[]"""));
        }

        events.Add(Ev("response.output_text.done", $$$$$""" "item_id":"msg_1","output_index":1,"content_index":0,"text":"{{{{{answer}}}}}","logprobs":[]"""));
        events.Add(Ev("response.content_part.done", $$$$$""" "item_id":"msg_1","output_index":1,"content_index":0,"part":{"type":"output_text","text":"{{{{{answer}}}}}","annotations":[]}"""));
        events.Add(Ev("response.output_item.done", $$$$$""" "output_index":1,"item":{{{{{messageItem}}}}}"""));
        events.Add(Ev("response.completed", $$$$$""" "response":{"id":"resp_1","object":"response","created_at":1741000000,"status":"completed","model":"m","output":[{{{{{reasoningItem}}}}},{{{{{messageItem}}}}}],"usage":{"input_tokens":{{{{{InputTokens}}}}},"input_tokens_details":{"cached_tokens":0},"output_tokens":{{{{{chunks}}}}},"output_tokens_details":{"reasoning_tokens":{{{{{half}}}}}},"total_tokens":{{{{{InputTokens + chunks}}}}}}}"""));
        return events;
    }

    private static List<string> MessagesEvents(int chunks)
    {
        int half = chunks / 2;
        var events = new List<string>
        {
            Event("message_start", $$$$$"""{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-test","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":{{{{{InputTokens - 10}}}}},"cache_creation_input_tokens":0,"cache_read_input_tokens":10,"output_tokens":1}}}"""),
            Event("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}"""),
            Event("ping", """{"type": "ping"}"""),
        };
        for (int i = 0; i < half; i++)
        {
            events.Add(Event("content_block_delta", $$$$$"""{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"{{{{{Reasoning}}}}}"}}"""));
        }

        events.Add(Event("content_block_delta", $$$$$"""{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"{{{{{Signature}}}}}"}}"""));
        events.Add(Event("content_block_stop", """{"type":"content_block_stop","index":0}"""));
        events.Add(Event("content_block_start", """{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}"""));
        for (int i = half; i < chunks; i++)
        {
            events.Add(Event("content_block_delta", $$$$$"""{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"{{{{{Answer}}}}}"}}"""));
        }

        events.Add(Event("content_block_stop", """{"type":"content_block_stop","index":1}"""));
        events.Add(Event("message_delta", $$$$$"""{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":{{{{{chunks}}}}}}}"""));
        events.Add(Event("message_stop", """{"type":"message_stop"}"""));
        return events;
    }
}
