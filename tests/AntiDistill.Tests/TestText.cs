using System.Text;

namespace AntiDistill.Tests;

internal static class TestText
{
    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static PromptFeatures Features(string prompt, string system = "", int tools = 0)
    {
        PromptFeatureExtractor.Default.Extract(Utf8(prompt), Utf8(system), tools, out var features);
        return features;
    }

    /// <summary>Deterministic pseudo-random words, so tests can build sets of known overlap.</summary>
    public static string Words(int seed, int count)
    {
        var rng = new Random(seed);
        var sb = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            int len = 3 + rng.Next(6);
            for (int c = 0; c < len; c++)
            {
                sb.Append((char)('a' + rng.Next(26)));
            }

            sb.Append(' ');
        }

        return sb.ToString();
    }
}
