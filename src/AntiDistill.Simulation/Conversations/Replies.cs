using System.Globalization;
using System.Text;

namespace AntiDistill.Simulation;

/// <summary>
/// Plausible assistant replies for conversation history. Only their size and shape matter (they make later
/// bodies grow as real ones do); the engine scores the last user message, never these.
/// </summary>
internal static class Replies
{
    private static readonly string[] Openers =
    [
        "Sure! Here's a breakdown.", "Great question.", "Here is one way to approach it.", "Certainly.", "Good point, let me revise that.",
        "Happy to help with that.", "Short answer: it depends, but here's the usual case.", "Let's go through it.",
    ];

    private static readonly string[] Sentences =
    [
        "The main thing to keep in mind is that the details depend on your situation.",
        "Most people find it easiest to start small and adjust as they go.",
        "There are a few trade-offs worth weighing before you decide.",
        "If you need something more specific, tell me a bit more about the context.",
        "A common mistake is to skip the first step, which makes the rest harder.",
        "In practice, the simplest option is usually good enough.",
        "You can check the result by working backwards from the answer.",
        "This also works for larger inputs, although it gets slower.",
        "Keep an eye on edge cases such as empty values or very long lines.",
        "The second option costs a little more but saves time later.",
        "Here the key idea is to separate what changes from what stays the same.",
        "I'd recommend writing down the constraints before choosing an approach.",
        "That estimate is rough; real numbers vary by region and season.",
        "Historically this changed several times, so sources disagree on the exact date.",
        "Note that this is general information, not professional advice.",
    ];

    private static readonly string[] Bullets =
    [
        "Pros: quick to set up, cheap to run.", "Cons: harder to maintain over time.", "Check the documentation for your version.",
        "Start with the defaults.", "Measure before optimizing.", "Ask someone who has done it before.", "Keep a backup.",
    ];

    private static readonly string[] Tools =
    [
        "read_file", "run_tests", "grep", "apply_patch", "shell", "list_dir", "write_file", "search_code",
    ];

    /// <summary>A chat reply of one to four paragraphs, sometimes with a list or a code block.</summary>
    public static string Answer(Random rng)
    {
        var sb = new StringBuilder(Openers[rng.Next(Openers.Length)]);
        int paragraphs = 1 + rng.Next(4);
        for (int p = 0; p < paragraphs; p++)
        {
            sb.Append("\n\n");
            switch (rng.Next(5))
            {
                case 0:
                    for (int b = 0, n = 2 + rng.Next(4); b < n; b++)
                    {
                        sb.Append("- ").Append(Bullets[rng.Next(Bullets.Length)]).Append('\n');
                    }

                    break;
                case 1:
                    sb.Append(CultureInfo.InvariantCulture, $"```python\ndef solve(n):\n    total = 0\n    for i in range(n):\n        total += i * {rng.Next(2, 9)}\n    return total\n```");
                    break;
                default:
                    for (int s = 0, n = 2 + rng.Next(4); s < n; s++)
                    {
                        sb.Append(Sentences[rng.Next(Sentences.Length)]).Append(' ');
                    }

                    break;
            }
        }

        return sb.ToString().TrimEnd();
    }

    /// <summary>The tool a tool-result prompt came from (its text starts <c>Tool result (name</c>), else a random one.</summary>
    public static string ToolOf(string toolResult, Random rng)
    {
        const string Marker = "Tool result (";
        if (toolResult.StartsWith(Marker, StringComparison.Ordinal))
        {
            int end = toolResult.IndexOfAny([' ', ')'], Marker.Length);
            if (end > Marker.Length)
            {
                return toolResult[Marker.Length..end];
            }
        }

        return Tools[rng.Next(Tools.Length)];
    }

    /// <summary>JSON arguments of a call to <paramref name="tool"/>.</summary>
    public static string ToolArguments(string tool, Random rng) => tool switch
    {
        "read_file" or "write_file" => string.Create(CultureInfo.InvariantCulture, $"{{\"path\":\"src/module_{rng.Next(1, 400)}.py\"}}"),
        "run_tests" => string.Create(CultureInfo.InvariantCulture, $"{{\"filter\":\"tests/test_core.py::test_case_{rng.Next(1, 60)}\",\"verbose\":true}}"),
        "grep" or "search_code" => string.Create(CultureInfo.InvariantCulture, $"{{\"pattern\":\"limit_{rng.Next(1, 99)}\",\"path\":\"src/\"}}"),
        "apply_patch" => string.Create(CultureInfo.InvariantCulture,
            $"{{\"patch\":\"--- a/src/service.go\\n+++ b/src/service.go\\n@@ -{rng.Next(1, 300)},3 +{rng.Next(1, 300)},4 @@\\n-\\treturn nil\\n+\\tif err != nil {{\\n+\\t\\treturn err\\n+\\t}}\\n\"}}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{{\"command\":\"dotnet test --filter Case{rng.Next(1, 60)}\",\"timeout_ms\":120000}}"),
    };
}
