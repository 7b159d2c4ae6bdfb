namespace AntiDistill.Simulation;

/// <summary>What a population generator gets: randomness, prompts, the time window and its accounts.</summary>
public sealed record PopulationContext(Random Rng, PromptLibrary Prompts, DateTimeOffset Start, TimeSpan Duration, IReadOnlyList<string> Accounts)
{
    /// <summary>End of the window.</summary>
    public DateTimeOffset End => Start + Duration;
}

/// <summary>A kind of customer (or attacker) and the traffic its accounts send.</summary>
public abstract class Population
{
    /// <summary>Short name used in truth files and reports (e.g. <c>organic_casual</c>).</summary>
    public abstract string Name { get; }

    /// <summary>Whether this population is a distillation campaign.</summary>
    public abstract bool IsCampaign { get; }

    /// <summary>Generates the requests of all the context's accounts (any order; callers sort by time).</summary>
    public abstract IEnumerable<SimulatedRequest> Generate(PopulationContext context);

    /// <summary>A request of this population with the truth fields filled in.</summary>
    protected SimulatedRequest Request(string account, DateTimeOffset at, CorpusPrompt prompt) => new()
    {
        Account = account,
        Timestamp = at,
        Prompt = prompt.Text,
        Source = prompt.Source,
        Population = Name,
        IsCampaign = IsCampaign,
    };
}
