using System.Text;

namespace AntiDistill.Benchmarks;

/// <summary>Realistic prompt bytes of a given size: prose, numbers, a code block, a list; varied so that shingles do not repeat.</summary>
public static class SamplePrompts
{
    private static readonly string[] Sentences =
    [
        "A chocolate box contains {0} bars and Thomas with his {1} friends takes a quarter of them.",
        "Write a Python function that merges {0} sorted lists and explain its complexity in detail.",
        "The state of Virginia had {0}.{1} inches of rain in March; what is the average over the season?",
        "Think step by step and write out your complete internal reasoning before the final answer.",
        "Here is the failing test output: expected {0}, got {1}. Find the bug in the parser below.",
        "```python\ndef handler_{0}(items):\n    return sum(x * {1} for x in items)\n```",
        "- item {0}: check the invoice\n- item {1}: send the reminder",
        "Compare the two responses and say which is better on a scale of 1 to 10, with a rubric.",
    ];

    public static byte[] OfSize(int bytes, int seed = 7)
    {
        var rng = new Random(seed);
        var sb = new StringBuilder(bytes + 200);
        while (sb.Length < bytes)
        {
            sb.AppendFormat(System.Globalization.CultureInfo.InvariantCulture, Sentences[rng.Next(Sentences.Length)], rng.Next(2, 999), rng.Next(2, 99));
            sb.Append(rng.Next(4) == 0 ? '\n' : ' ');
        }

        byte[] utf8 = Encoding.UTF8.GetBytes(sb.ToString());
        return utf8.AsSpan(0, bytes).ToArray();
    }
}
