namespace AntiDistill.Simulation;

/// <summary>A human conversation: a first prompt, follow-ups, think time between turns.</summary>
internal static class Conversation
{
    private static readonly int[] Budgets = [0, 0, 0, 0, 1024, 2048, 4096, 4096, 8192];
    private static readonly string[] CotTails = [" Explain step by step.", " Let's think step by step.", " Please show your work.", " Walk me through it."];

    /// <param name="population">Who is talking.</param>
    /// <param name="account">The account.</param>
    /// <param name="start">When the first turn is sent.</param>
    /// <param name="context">Randomness and prompts.</param>
    /// <param name="turns">Number of user turns.</param>
    /// <param name="reasoningShare">Chance the conversation has extended reasoning on.</param>
    /// <param name="cotShare">Chance the first prompt asks for steps, as people sometimes do.</param>
    /// <param name="kind">What the first prompt is about.</param>
    /// <param name="client">Where the requests come from.</param>
    public static IEnumerable<SimulatedRequest> Chat(Population population, string account, DateTimeOffset start, PopulationContext context, int turns,
        double reasoningShare, double cotShare, PromptKind kind = PromptKind.Organic, ClientProfile? client = null)
    {
        var rng = context.Rng;
        bool reasoning = rng.NextDouble() < reasoningShare;
        int budget = reasoning ? 16000 : Budgets[rng.Next(Budgets.Length)];
        var first = context.Prompts.Pick(kind, rng);
        if (rng.NextDouble() < cotShare)
        {
            first = first with { Text = first.Text + CotTails[rng.Next(CotTails.Length)] };
        }

        foreach (var request in Turns(population, account, start, first, turns, r => FollowUps.Next(r).Text, budget, reasoning,
            client ?? ClientProfile.Unknown, rng, (r, _) => Rhythm.ThinkSeconds(r)))
        {
            yield return request;
        }
    }

    /// <summary>
    /// A dialogue of 3-7 user turns on one opener: the opener, then follow-ups written by <paramref name="nextAsk"/>, each
    /// turn with the whole history before it and the same output budget; <paramref name="gapSeconds"/> draws the time
    /// to the next turn (from the turn just sent, whose answer it may look at).
    /// </summary>
    public static IEnumerable<SimulatedRequest> Dialogue(Population population, string account, DateTimeOffset at, CorpusPrompt opener,
        Func<Random, string> nextAsk, int budget, ClientProfile client, Random rng, Func<Random, SimulatedRequest, double> gapSeconds)
    {
        int turns = 3 + rng.Next(5);
        foreach (var request in Turns(population, account, at, opener, turns, nextAsk, budget, reasoning: false, client, rng, gapSeconds))
        {
            yield return request;
        }
    }

    /// <summary>
    /// The turns of one conversation: the opener, then <paramref name="nextAsk"/>'s follow-ups, each with the whole history
    /// before it; <paramref name="gapSeconds"/> draws the time to the next turn from the turn just sent. Replies come from
    /// a side stream, so the main one (prompts, times, budgets) is what it always was.
    /// </summary>
    private static IEnumerable<SimulatedRequest> Turns(Population population, string account, DateTimeOffset at, CorpusPrompt opener, int turns,
        Func<Random, string> nextAsk, int budget, bool reasoning, ClientProfile client, Random rng, Func<Random, SimulatedRequest, double> gapSeconds)
    {
        var history = new TurnBuffer();
        var side = new Random(StableSeed.Of(account, at.UtcTicks));
        for (int turn = 0; turn < turns; turn++)
        {
            string prompt = turn == 0 ? opener.Text : nextAsk(rng);
            var request = new SimulatedRequest
            {
                Account = account,
                Timestamp = at,
                Prompt = prompt,
                Source = opener.Source,
                Population = population.Name,
                IsCampaign = population.IsCampaign,
                TurnCount = (2 * turn) + 1,
                MaxOutputTokens = budget,
                Reasoning = reasoning,
                Client = client,
                History = history.Snapshot,
            };
            yield return request;
            history.Add(new ChatTurn(ChatRole.User, prompt));
            history.Add(new ChatTurn(ChatRole.Assistant, Replies.Answer(side)));
            at = at.AddSeconds(gapSeconds(rng, request));
        }
    }
}
