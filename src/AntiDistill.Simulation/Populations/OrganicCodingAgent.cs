using System.Text;

namespace AntiDistill.Simulation;

/// <summary>
/// Users of one popular coding agent: every request carries the agent's long system prompt and tool list,
/// tasks run as tool loops of many requests a minute with large budgets. Thousands of users look alike.
/// </summary>
public sealed class OrganicCodingAgent : Population
{
    /// <summary>The agent's system prompt, shared by every user of it.</summary>
    public static readonly string SystemPrompt = BuildSystemPrompt();

    private static readonly string[] ToolOutputs =
    [
        "Tool result (run_tests): {0} passed, {1} failed\nFAILED tests/test_core.py::test_case_{1} - AssertionError: expected {2}, got {3}",
        "Tool result (read_file src/module_{0}.py):\n```python\ndef handler_{0}(items):\n    total = 0\n    for i in range({1}):\n        total += items[i] * {2}\n    return total\n```",
        "Tool result (grep): src/app_{0}.ts:{1}: const limit = {2};\nsrc/app_{0}.ts:{3}: if (count > limit) {{ throw new Error('limit'); }}",
        "Tool result (apply_patch): applied 1 hunk to src/service_{0}.go at line {1}",
        "Tool result (shell): exit code {0}\n{1} files changed, {2} insertions(+), {3} deletions(-)",
    ];

    /// <summary>The API the agent product calls. Default <see cref="ApiFormat.AnthropicMessages"/>.</summary>
    public ApiFormat Format { get; init; } = ApiFormat.AnthropicMessages;

    /// <inheritdoc />
    public override string Name => "organic_coding_agent";

    /// <inheritdoc />
    public override bool IsCampaign => false;

    /// <inheritdoc />
    public override IEnumerable<SimulatedRequest> Generate(PopulationContext context)
    {
        var rng = context.Rng;
        foreach (string account in context.Accounts)
        {
            int tz = Rhythm.TimeZone(rng);
            bool reasoning = rng.NextDouble() < 0.6;
            var client = Clients.Person(account, rng) with { UserAgent = "coding-agent/1.8.2", TlsFingerprint = "ja4_node_22" };
            for (var day = context.Start.Date; day < context.End; day = day.AddDays(1))
            {
                if (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday && rng.NextDouble() < 0.7)
                {
                    continue;
                }

                int tasks = 2 + rng.Next(8);
                for (int task = 0; task < tasks; task++)
                {
                    var at = new DateTimeOffset(day, TimeSpan.Zero).AddHours(9 + (rng.NextDouble() * 10) - tz);
                    var first = context.Prompts.Pick(rng.NextDouble() < 0.5 ? PromptKind.Issue : PromptKind.Coding, rng);
                    int steps = Rhythm.Geometric(rng, 14);

                    // The loop's history: the task, then each tool call with its result. A step's prompt is the
                    // result of the call that ends its history, as agent clients send it. Side stream: see Conversation.
                    var history = new TurnBuffer();
                    var side = new Random(StableSeed.Of(account, at.UtcTicks));
                    string? callId = null;
                    for (int step = 0; step < steps; step++)
                    {
                        string prompt = step == 0 ? first.Text : string.Format(System.Globalization.CultureInfo.InvariantCulture,
                            ToolOutputs[rng.Next(ToolOutputs.Length)], rng.Next(1, 400), rng.Next(1, 60), rng.Next(0, 999), rng.Next(0, 999));
                        if (step > 0)
                        {
                            string tool = Replies.ToolOf(prompt, side);
                            callId = CallId(side);
                            history.Add(new ChatTurn(ChatRole.ToolCall, Replies.ToolArguments(tool, side), tool, callId));
                        }

                        yield return Request(account, at, first with { Text = prompt }) with
                        {
                            SystemPrompt = SystemPrompt,
                            ToolCount = 14,
                            TurnCount = 1 + (2 * step),
                            MaxOutputTokens = 32000,
                            Reasoning = reasoning,
                            Client = client,
                            History = history.Snapshot,
                            Format = Format,
                            ToolSet = "coding-agent",
                        };
                        history.Add(step == 0 ? new ChatTurn(ChatRole.User, prompt) : new ChatTurn(ChatRole.ToolResult, prompt, null, callId));
                        at = at.AddSeconds(3 + (rng.NextDouble() * 25));
                    }
                }
            }
        }
    }

    private static string CallId(Random rng) => "call_" + rng.NextInt64(1L << 40, 1L << 48).ToString("x", System.Globalization.CultureInfo.InvariantCulture);

    private static string BuildSystemPrompt()
    {
        var sb = new StringBuilder("You are an autonomous coding agent working in the user's repository. ");
        string[] rules =
        [
            "Read files before editing them.", "Prefer small, reviewable patches.", "Run the tests after every change.",
            "Never commit secrets.", "Explain what you changed and why in one paragraph.", "Use the shell tool for builds.",
            "Ask before deleting files.", "Follow the repository's code style.", "Keep the user informed of long operations.",
        ];
        for (int i = 0; i < 12; i++)
        {
            sb.Append(rules[i % rules.Length]).Append(' ');
        }

        return sb.ToString();
    }
}
