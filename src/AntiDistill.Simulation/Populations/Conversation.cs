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
        var at = start;
        var first = context.Prompts.Pick(kind, rng);
        if (rng.NextDouble() < cotShare)
        {
            first = first with { Text = first.Text + CotTails[rng.Next(CotTails.Length)] };
        }

        // History and replies come from a side stream so the main one (prompts, times, budgets) is what it always was.
        var history = new TurnBuffer();
        var side = new Random(StableSeed.Of(account, start.UtcTicks));
        for (int t = 0; t < turns; t++)
        {
            var prompt = t == 0 ? first : FollowUps.Next(rng);
            yield return new SimulatedRequest
            {
                Account = account,
                Timestamp = at,
                Prompt = prompt.Text,
                Source = first.Source,
                Population = population.Name,
                IsCampaign = population.IsCampaign,
                TurnCount = (2 * t) + 1,
                MaxOutputTokens = budget,
                Reasoning = reasoning,
                Client = client ?? ClientProfile.Unknown,
                History = history.Snapshot,
            };
            history.Add(new ChatTurn(ChatRole.User, prompt.Text));
            history.Add(new ChatTurn(ChatRole.Assistant, Replies.Answer(side)));
            at = at.AddSeconds(Rhythm.ThinkSeconds(rng));
        }
    }

    /// <summary>
    /// A dialogue of 3-7 user turns on one opener: the opener, then follow-ups drawn from <paramref name="asks"/>, each
    /// turn with the whole history before it and the same output budget; <paramref name="gapSeconds"/> draws the time
    /// to the next turn (from the turn just sent, whose answer it may look at).
    /// </summary>
    public static IEnumerable<SimulatedRequest> Dialogue(Population population, string account, DateTimeOffset at, CorpusPrompt opener,
        IReadOnlyList<string> asks, int budget, ClientProfile client, Random rng, Func<Random, SimulatedRequest, double> gapSeconds)
    {
        var history = new TurnBuffer();
        var side = new Random(StableSeed.Of(account, at.UtcTicks)); // replies from a side stream, as in Chat
        for (int turn = 0, turns = 3 + rng.Next(5); turn < turns; turn++)
        {
            string prompt = turn == 0 ? opener.Text : asks[rng.Next(asks.Count)];
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
