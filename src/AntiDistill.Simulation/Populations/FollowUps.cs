namespace AntiDistill.Simulation;

/// <summary>What people say after the first turn of a conversation.</summary>
internal static class FollowUps
{
    private static readonly string[] Lines =
    [
        "thanks! can you make it shorter?", "Can you explain the second point in more detail?", "that doesn't look right, are you sure?",
        "ok now translate it to Spanish", "What about for a beginner?", "give me an example", "Can you rewrite it in a more formal tone?",
        "why is that?", "and what if I only have a weekend?", "perfect, now turn it into a table", "hmm, try again but funnier",
        "Could you add sources?", "what are the downsides?", "ok and how much would that cost roughly", "Explain it step by step please",
        "I meant the other one", "nice. one more like that", "can you fix the bug on line 3", "that's too long", "summarize in one sentence",
    ];

    public static CorpusPrompt Next(Random rng) => new(Lines[rng.Next(Lines.Length)], "followup");
}
