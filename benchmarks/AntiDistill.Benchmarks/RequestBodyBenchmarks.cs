using System.Text;
using System.Text.Json;
using AntiDistill.Requests;
using BenchmarkDotNet.Attributes;

namespace AntiDistill.Benchmarks;

/// <summary>
/// Reading a prompt out of a request body, as the middleware and the analyzer do before scoring:
/// a one-turn chat request and an agent-loop request whose history dwarfs the prompt.
/// </summary>
[MemoryDiagnoser]
public class RequestBodyBenchmarks
{
    private readonly RequestContent _content = new();
    private byte[] _body = [];
    private string _path = "";

    [Params("chat-1KiB", "agent-loop-16KiB", "anthropic-escaped-8KiB")]
    public string Body { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var prompt = Encoding.UTF8.GetString(SamplePrompts.OfSize(1024));
        (_path, _body) = Body switch
        {
            "chat-1KiB" => ("/v1/chat/completions", Chat(prompt)),
            "agent-loop-16KiB" => ("/v1/chat/completions", AgentLoop(prompt, 16 * 1024)),
            _ => ("/v1/messages", Anthropic(string.Concat(Enumerable.Repeat(prompt.Replace(" ", "\n", StringComparison.Ordinal) + "\"quoted\"\t", 8)))),
        };
    }

    [Benchmark]
    public int Read()
    {
        RequestBodyReader.Default.Read(_body, _path, _content);
        return _content.Prompt.Length;
    }

    private static byte[] Chat(string prompt) => Encoding.UTF8.GetBytes(
        $$"""{"model":"m","messages":[{"role":"system","content":"You are helpful."},{"role":"user","content":{{JsonSerializer.Serialize(prompt)}}}],"max_tokens":1024}""");

    private static byte[] Anthropic(string prompt) => Encoding.UTF8.GetBytes(
        $$"""{"model":"m","max_tokens":8192,"thinking":{"type":"enabled","budget_tokens":4000},"messages":[{"role":"user","content":{{JsonSerializer.Serialize(prompt)}}}]}""");

    private static byte[] AgentLoop(string prompt, int size)
    {
        var builder = new StringBuilder("""{"model":"m","tools":[{"type":"function"},{"type":"function"}],"messages":[{"role":"system","content":"You are a coding agent."},""");
        builder.Append("{\"role\":\"user\",\"content\":").Append(JsonSerializer.Serialize(prompt)).Append('}');
        while (builder.Length < size)
        {
            builder.Append(""",{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"read","arguments":"{}"}}]}""");
            builder.Append(""",{"role":"tool","tool_call_id":"c","content":""").Append(JsonSerializer.Serialize(new string('x', 700))).Append('}');
        }

        return Encoding.UTF8.GetBytes(builder.Append("]}").ToString());
    }
}
