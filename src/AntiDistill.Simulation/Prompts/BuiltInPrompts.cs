namespace AntiDistill.Simulation;

/// <summary>Small template grammars, one per <see cref="PromptKind"/>, for runs without the shared corpora.</summary>
internal static class BuiltInPrompts
{
    private static readonly string[] Names = ["Ava", "Noah", "Mia", "Liam", "Zoe", "Omar", "Ines", "Kenji", "Priya", "Lars"];
    private static readonly string[] Items = ["apples", "books", "stamps", "marbles", "cookies", "tickets", "pencils", "shells"];
    private static readonly string[] Topics = ["the French Revolution", "photosynthesis", "black holes", "the stock market", "sourdough bread", "jazz history", "climate change", "the Roman empire", "quantum computing", "marathon training", "tax returns", "houseplants"];
    private static readonly string[] Tasks = ["reverse a linked list", "parse a CSV file", "merge two sorted arrays", "validate an email address", "find the longest palindrome", "debounce a function", "compute a moving average", "flatten a nested list"];
    private static readonly string[] Languages = ["Python", "JavaScript", "C#", "Go", "Rust", "Java"];
    private static readonly string[] Tools = ["weather", "calendar", "search", "calculator", "email", "maps"];
    private static readonly string[] Roles = ["a travel guide", "a Linux terminal", "a pirate captain", "a job interviewer", "a chess coach", "a stand-up comedian"];

    public static string Make(PromptKind kind, Random rng) => kind switch
    {
        PromptKind.Organic => Organic(rng),
        PromptKind.Math => $"{P(Names, rng)} has {rng.Next(3, 90)} {P(Items, rng)}. {P(Names, rng)} gives {P(Names, rng)} {rng.Next(2, 30)} of them and then buys {rng.Next(2, 12)} packs of {rng.Next(3, 20)}. How many {P(Items, rng)} does {P(Names, rng)} have now?",
        PromptKind.Reasoning => $"If every {P(Items, rng)} is {P(["red", "heavy", "old", "small"], rng)} and some {P(Items, rng)} are {P(Items, rng)}, which of the following must be true? Options: (A) all are {P(["red", "new", "large"], rng)} (B) none are (C) some are (D) cannot be determined",
        PromptKind.Coding => $"Write a {P(Languages, rng)} function to {P(Tasks, rng)}. Include tests for edge cases such as {P(["empty input", "very large input", "unicode", "negative numbers"], rng)}.",
        PromptKind.Agentic => $"toolformer: enabled\ntoolformer access: {P(Tools, rng)}\nUse the {P(Tools, rng)} tool to find out {P(["the forecast for", "the next free slot in", "the distance to", "the latest news about"], rng)} {P(Topics, rng)}, then summarize it.",
        PromptKind.Roleplay => $"I want you to act as {P(Roles, rng)}. Stay in character and answer my first question about {P(Topics, rng)}.",
        PromptKind.Issue => $"Bug: {P(Tasks, rng)} fails with {P(["a null reference", "an off-by-one error", "a timeout", "a deadlock"], rng)} when {P(["the input is empty", "two threads call it", "the file is large", "the locale is Turkish"], rng)}.\n\nSteps to reproduce:\n1. Call it with {rng.Next(0, 1000)} items\n2. Observe the failure\n\nExpected: it works. Version {rng.Next(1, 9)}.{rng.Next(0, 20)}.",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static string Organic(Random rng) => rng.Next(6) switch
    {
        0 => $"what is the best way to learn about {P(Topics, rng)}",
        1 => $"Can you write a short email to my landlord about {P(["a broken heater", "late rent", "a noisy neighbour", "moving out"], rng)}?",
        2 => $"Explain {P(Topics, rng)} like I'm five.",
        3 => $"Give me {rng.Next(3, 10)} ideas for a weekend trip near {P(["Lisbon", "Denver", "Osaka", "Nairobi", "Toronto"], rng)}.",
        4 => $"who won the {P(["world cup", "tour de france", "nobel prize in physics", "super bowl"], rng)} in {rng.Next(1960, 2025)}",
        _ => $"Summarize the pros and cons of {P(Topics, rng)} in a few bullet points.",
    };

    private static string P(string[] options, Random rng) => options[rng.Next(options.Length)];
}
