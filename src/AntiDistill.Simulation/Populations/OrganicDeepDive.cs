namespace AntiDistill.Simulation;

/// <summary>
/// People learning a subject in long conversations: an open question, then several follow-ups asking for depth,
/// examples and trade-offs, each answered at length, in an evening sitting on some days. The organic look-alike of
/// <see cref="CampaignDialogueHarvest"/>: multi-turn, long answers every turn, the same kind of follow-up, people's
/// hours and days.
/// </summary>
/// <remarks>
/// What they do not share with the harvest is its pace, and even that only in part: the time between turns is a
/// person's think time, drawn without regard to how long the answer was (so after a long answer it is often shorter
/// than reading it would take), and a quarter of them are skimmers who reply in about half that time. A pessimistic
/// model on purpose: people who read everything would be easier to tell apart.
/// </remarks>
public sealed class OrganicDeepDive : Population
{
    // Written for this simulator: what learners ask after an answer (not copied from any dataset).
    private static readonly string[] Asks =
    [
        "ok, and why does that work?", "Can you explain the part about the second step in more detail?", "give me a real-world example of this",
        "how is that different from what you said before?", "what would a professional do differently here?", "so what are the pros and cons?",
        "I still don't get the middle part. Explain it like I'm new to this.", "what's the most common misconception about this?",
        "can you go further into the history of it?", "what should I read next to learn more?", "how would this apply to a small business?",
        "wait, could you walk me through that again with numbers?",
    ];

    private static readonly PromptKind[] Openers = [PromptKind.Organic, PromptKind.Organic, PromptKind.Organic, PromptKind.Reasoning];

    /// <summary>Chance that an account holds a sitting on a given day. Default 0.4.</summary>
    public double ActiveDayShare { get; init; } = 0.4;

    /// <inheritdoc />
    public override string Name => "organic_deep_dive";

    /// <inheritdoc />
    public override bool IsCampaign => false;

    /// <inheritdoc />
    public override IEnumerable<SimulatedRequest> Generate(PopulationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var rng = context.Rng;
        foreach (string account in context.Accounts)
        {
            var client = Clients.Person(account, rng);
            int zone = Rhythm.TimeZone(rng);
            double pace = rng.NextDouble() < 0.25 ? 0.5 : 1; // skimmers
            int budget = rng.Next(3) switch { 0 => 0, 1 => 2048, _ => 4096 };
            for (var day = context.Start.Date; day < context.End; day = day.AddDays(1))
            {
                if (rng.NextDouble() >= ActiveDayShare)
                {
                    continue;
                }

                var at = Rhythm.SessionStart(new DateTimeOffset(day, TimeSpan.Zero), zone, rng);
                var opener = context.Prompts.Pick(Openers[rng.Next(Openers.Length)], rng);
                foreach (var request in Conversation.Dialogue(this, account, at, opener, r => Asks[r.Next(Asks.Length)], budget, client, rng, (r, _) => Math.Max(6, Rhythm.ThinkSeconds(r) * pace)))
                {
                    yield return request;
                }
            }
        }
    }
}
