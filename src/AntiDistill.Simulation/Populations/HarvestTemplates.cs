namespace AntiDistill.Simulation;

/// <summary>
/// The wrappers harvesters put around benchmark-like items, from public reports of 2025-2026 campaigns.
/// Some use phrasings the default lexicon does not list, so detection cannot rest on the phrase list alone.
/// </summary>
internal static class HarvestTemplates
{
    public static readonly string[] ChainOfThought =
    [
        "{0}\n\nThink step by step and write out your complete internal reasoning before giving the final answer.",
        "Solve the following problem. Show your reasoning in full detail, then state the answer on its own line.\n\n{0}",
        "Here is a task. Reconstruct the reasoning behind the correct answer, every intermediate step included.\n\nTask: {0}",
        "{0}\n\nBefore answering, lay out the full derivation; do not skip any step.",
        "Question: {0}\nWrite a detailed rationale, then the answer.",
        "You are a meticulous expert. Explain your reasoning step-by-step.\n\n{0}",
        "{0}",
    ];

    public static readonly string[] Grading =
    [
        "You are an impartial judge. Rate the response below on a scale of 1 to 10 for helpfulness and accuracy, and justify the score.\n\nQuestion: {0}\n\nResponse: {1}",
        "Compare the two responses to the user's request and say which response is better, with a rubric-based explanation.\n\nRequest: {0}\n\nResponse A: {1}\n\nResponse B: {2}",
        "Grade the following answer against the rubric (correctness, completeness, clarity), each out of 10.\n\nProblem: {0}\n\nAnswer: {1}",
    ];

    /// <summary>Sweep wrappers dressed as a student's or a curious user's request, for <see cref="CampaignCamouflaged"/>.</summary>
    public static readonly string[] Camouflaged =
    [
        "I'm preparing for an exam and got stuck on this one. Could you walk me through how you'd think about it before giving the answer?\n\n{0}",
        "{0}\n\nCan you explain how you got there? I want to understand the reasoning, not just the answer.",
        "My study group disagrees about this problem. Please reason it out carefully and show each step:\n{0}",
        "hey, quick one: {0}\nexplain your thinking please",
        "{0}",
    ];
}
