using System.Text.Json;

namespace AntiDistill.Gateway.Tests;

/// <summary>Request bodies for the three APIs: a reasoning-trace harvest, and an organic conversation turn.</summary>
internal static class Traffic
{
    public const string ChatPath = "/v1/chat/completions";
    public const string ResponsesPath = "/v1/responses";
    public const string MessagesPath = "/v1/messages";

    public static readonly string[] Paths = [ChatPath, ResponsesPath, MessagesPath];

    private static readonly JsonSerializerOptions SkipNulls = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private static readonly string[] Problems =
    [
        "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether?",
        "Weng earns $12 an hour for babysitting. Yesterday, she just did 50 minutes of babysitting. How much did she earn?",
        "Betty is saving money for a new wallet which costs $100. Betty has only half of the money she needs. How much more money does Betty need?",
        "James writes a 3-page letter to 2 different friends twice a week. How many pages does he write a year?",
    ];

    private static readonly string[] Chats =
    [
        "hey, what's a good name for a grey cat?", "thanks! and what do they usually eat?", "ok cool. how often should I feed her?",
        "is it fine if she sleeps on my bed", "what plants are toxic to cats", "lol she just knocked over my coffee",
    ];

    /// <summary>A single-turn math item asking for the full reasoning, reasoning on, a huge budget.</summary>
    public static string Harvest(string path, int i, bool stream = false) => Body(
        path,
        "Solve the following problem. Think step by step and write out your complete internal reasoning before the final answer. " +
        "Reconstruct every intermediate step.\n\n" + Problems[i % Problems.Length],
        history: [],
        maxTokens: 32000,
        reasoning: true,
        stream);

    /// <summary>The i-th turn of a casual conversation (history included), small budget, no reasoning.</summary>
    public static string Organic(string path, int i, bool stream = false) => Body(path, Chats[i % Chats.Length], Chats[..(i % Chats.Length)], 400, false, stream);

    private static string Body(string path, string prompt, string[] history, int maxTokens, bool reasoning, bool stream)
    {
        var turns = new List<object>();
        foreach (var earlier in history)
        {
            turns.Add(new { role = "user", content = earlier });
            turns.Add(new { role = "assistant", content = "Sure! Here's what I think." });
        }

        turns.Add(new { role = "user", content = prompt });
        object body = path switch
        {
            ChatPath => new Dictionary<string, object?>
            {
                ["model"] = "m-large", ["messages"] = turns, ["max_completion_tokens"] = maxTokens, ["stream"] = stream,
                ["reasoning_effort"] = reasoning ? "high" : null,
            },
            ResponsesPath => new Dictionary<string, object?>
            {
                ["model"] = "m-large", ["input"] = turns, ["max_output_tokens"] = maxTokens, ["stream"] = stream,
                ["reasoning"] = reasoning ? new { effort = "high" } : null,
            },
            _ => new Dictionary<string, object?>
            {
                ["model"] = "m-large", ["messages"] = turns, ["max_tokens"] = maxTokens, ["stream"] = stream,
                ["thinking"] = reasoning ? new { type = "enabled", budget_tokens = 16000 } : null,
            },
        };
        return JsonSerializer.Serialize(body, SkipNulls);
    }
}
