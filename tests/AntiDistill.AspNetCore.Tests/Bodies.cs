namespace AntiDistill.AspNetCore.Tests;

/// <summary>Real request bodies of the three formats.</summary>
internal static class Bodies
{
    public const string ChatPath = "/v1/chat/completions";
    public const string ResponsesPath = "/v1/responses";
    public const string MessagesPath = "/v1/messages";

    public static string Chat(string prompt = "What is the capital of France?", bool stream = false, int maxTokens = 4000, bool reasoning = true) => $$"""
        {"model":"gpt-test","messages":[{"role":"system","content":"You are helpful."},{"role":"user","content":"{{prompt}}"}],"max_completion_tokens":{{maxTokens}},{{(reasoning ? "\"reasoning_effort\":\"high\"," : "")}}"stream":{{(stream ? "true" : "false")}}}
        """;

    public static string Responses(string prompt = "What is the capital of France?", bool stream = false, int maxTokens = 4000, bool reasoning = true) => $$"""
        {"model":"gpt-test","instructions":"You are helpful.","input":"{{prompt}}","max_output_tokens":{{maxTokens}},{{(reasoning ? "\"reasoning\":{\"effort\":\"high\"}," : "")}}"stream":{{(stream ? "true" : "false")}}}
        """;

    public static string Messages(string prompt = "What is the capital of France?", bool stream = false, int maxTokens = 4000, bool reasoning = true) => $$"""
        {"model":"claude-test","system":"You are helpful.","messages":[{"role":"user","content":"{{prompt}}"}],"max_tokens":{{maxTokens}},{{(reasoning ? "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2000}," : "")}}"stream":{{(stream ? "true" : "false")}}}
        """;

    public static string For(string path, string prompt = "What is the capital of France?", bool stream = false, int maxTokens = 4000, bool reasoning = true) => path switch
    {
        ChatPath => Chat(prompt, stream, maxTokens, reasoning),
        ResponsesPath => Responses(prompt, stream, maxTokens, reasoning),
        MessagesPath => Messages(prompt, stream, maxTokens, reasoning),
        _ => throw new ArgumentOutOfRangeException(nameof(path)),
    };

    public static TheoryData<string> Paths => new() { ChatPath, ResponsesPath, MessagesPath };
}
