namespace AntiDistill.Simulation;

/// <summary>
/// People who paste the same popular prompt template (a role prompt from a well-known prompt collection, the same few
/// that every "best ChatGPT prompts" list repeats) and then chat on from it: hundreds of unrelated accounts share
/// the opening words, as a harvesting template would, but each goes on its own way.
/// </summary>
public sealed class OrganicTemplatePaster : Population
{
    /// <inheritdoc />
    public override string Name => "organic_template_paster";

    /// <inheritdoc />
    public override bool IsCampaign => false;

    /// <inheritdoc />
    public override IEnumerable<SimulatedRequest> Generate(PopulationContext context)
    {
        var rng = context.Rng;

        // The popular few: the same templates for the whole population, drawn once.
        var popular = new CorpusPrompt[3];
        for (int i = 0; i < popular.Length; i++)
        {
            popular[i] = context.Prompts.Pick(PromptKind.Organic, "awesome_chatgpt_prompts", rng);
        }

        foreach (string account in context.Accounts)
        {
            var client = Clients.Person(account, rng);
            int zone = Rhythm.TimeZone(rng);
            int sessions = 1 + rng.Next(3);
            for (int s = 0; s < sessions; s++)
            {
                var day = context.Start.Date.AddDays(rng.Next(Math.Max(1, (int)context.Duration.TotalDays)));
                var at = Rhythm.SessionStart(new DateTimeOffset(day, TimeSpan.Zero), zone, rng);
                var template = popular[rng.Next(popular.Length)];
                yield return Request(account, at, template) with { Client = client };
                foreach (var r in Conversation.Chat(this, account, at.AddSeconds(Rhythm.ThinkSeconds(rng)), context, 1 + rng.Next(4), 0.05, 0.05, PromptKind.Organic, client))
                {
                    yield return r;
                }
            }
        }
    }
}
