using System.Text.RegularExpressions;

namespace AntiDistill.Simulation;

/// <summary>What the simulated model served for one request: the response's usage and status.</summary>
/// <param name="InputTokens">Prompt tokens billed (history and system prompt included).</param>
/// <param name="OutputTokens">Output tokens, reasoning included.</param>
/// <param name="ReasoningTokens">Of <paramref name="OutputTokens"/>, the reasoning (thinking) tokens.</param>
/// <param name="Status">The HTTP status.</param>
public readonly record struct ServedUsage(int InputTokens, int OutputTokens, int ReasoningTokens, int Status);

/// <summary>
/// A stand-in for the model behind the API: how long its answer to a request is. It knows nothing about who sent the
/// request (population, campaign or not); the answer depends only on what was asked, as a real model's does:
/// the task (the corpus kind), whether the prompt or system prompt asks for explanations or steps, the output budget,
/// the reasoning switch, and noise. So whatever the served-side signals find, a population earned by its requests.
/// </summary>
/// <remarks>
/// Medians are rough figures for a current chat model: a search-style question ~80 tokens, an open chat request ~350,
/// a hard Arena prompt ~700, a math or logic item ~250, a coding task ~400, a tool call ~120. Asking for a detailed,
/// step-by-step or justified answer multiplies it by about 3 (the explanation-tuning recipes rely on exactly that);
/// reasoning, when switched on, adds a thinking trace of ~2,000 tokens median. Deterministic per request.
/// </remarks>
public static partial class ServedModel
{
    private const int DefaultBudget = 4096;

    /// <summary>The usage of the model's response to <paramref name="request"/>.</summary>
    public static ServedUsage Serve(SimulatedRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var rng = new Random(Seed(request));
        int status = rng.Next(1000) switch
        {
            < 3 => 429,
            < 5 => 500,
            _ => 200,
        };

        int input = InputTokens(request);
        if (status != 200)
        {
            return new ServedUsage(input, 0, 0, status);
        }

        double median = request.ToolCount > 0 ? 120 : MedianAnswer(request.Source, request.Prompt);
        if (AsksForExplanation().IsMatch(request.Prompt) || (request.SystemPrompt is { } system && AsksForExplanation().IsMatch(system)))
        {
            median *= 3;
        }

        // Thinking comes first and eats the budget (max_tokens counts it); the answer gets what is left, at least a token.
        int budget = request.MaxOutputTokens > 0 ? request.MaxOutputTokens : DefaultBudget;
        int reasoning = request.Reasoning ? (int)Math.Min(Math.Max(1, LogNormal(rng, 2000, 0.7)), budget - 1) : 0;
        int answer = (int)Math.Min(Math.Max(1, LogNormal(rng, median, 0.6)), Math.Max(1, budget - reasoning));
        return new ServedUsage(input, answer + reasoning, reasoning, status);
    }

    private static double MedianAnswer(string source, string prompt) => source switch
    {
        "nq_open_queries" => 80,
        "hh_rlhf_harmless_first_turns" => 150,
        "arena_hard" => 700,
        "gsm8k_questions" or "bbh_inputs" or "flan_cot_forward" or "flan_cot_inverse" => 250,
        "humaneval_prompts" or "gpteacher_codegen" => 400,
        "swebench_lite_issues" => 600,
        _ when prompt.Length < 60 => 120,
        _ => 350,
    };

    private static int InputTokens(SimulatedRequest request)
    {
        long chars = request.Prompt.Length + (request.SystemPrompt?.Length ?? 0);
        foreach (var turn in request.History.Span)
        {
            chars += turn.Text.Length;
        }

        return (int)Math.Min(int.MaxValue, 8 + (chars / 4) + (request.ToolCount * 60));
    }

    private static double LogNormal(Random rng, double median, double sigma) => median * Math.Exp(sigma * rng.NextGaussian());

    // Stable across processes (string.GetHashCode is not), so a log written twice serves the same answers.
    private static int Seed(SimulatedRequest request) =>
        StableSeed.Of(request.Account, request.Timestamp.UtcTicks ^ request.Prompt.Length);

    [GeneratedRegex(@"step[- ]by[- ]step|explain|explanation|justify|in detail|detailed|reasoning|show (your|all) work|think", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AsksForExplanation();
}
