namespace AntiDistill.Simulation;

/// <summary>A batch job: thousands of requests from one template (classification), at machine pace, tiny budgets.</summary>
public sealed class OrganicBatchJob : Population
{
    private static readonly string[] Templates =
    [
        "Classify the sentiment of the following customer message as positive, negative or neutral. Answer with one word.\n\nMessage: \"{0}\"",
        "Extract the product name and the issue from this support ticket as JSON with keys product and issue.\n\nTicket: \"{0}\"",
        "Does the following text contain personal data? Answer yes or no.\n\nText: \"{0}\"",
    ];

    /// <summary>Requests per job. Default 3,000.</summary>
    public int RequestsPerJob { get; init; } = 3000;

    /// <inheritdoc />
    public override string Name => "organic_batch_job";

    /// <inheritdoc />
    public override bool IsCampaign => false;

    /// <inheritdoc />
    public override IEnumerable<SimulatedRequest> Generate(PopulationContext context)
    {
        var rng = context.Rng;
        foreach (string account in context.Accounts)
        {
            var client = Clients.Person(account, rng) with { UserAgent = "python-httpx/0.28.1", TlsFingerprint = "ja4_python_312" };
            string template = Templates[rng.Next(Templates.Length)];
            var at = context.Start.AddHours(rng.NextDouble() * Math.Max(1, context.Duration.TotalHours - 2));
            double pace = 0.5 + (rng.NextDouble() * 2);
            for (int i = 0; i < RequestsPerJob; i++)
            {
                var item = context.Prompts.Pick(PromptKind.Organic, rng);
                yield return Request(account, at, item with { Text = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, item.Text) }) with
                {
                    SystemPrompt = "You are a precise data-labelling assistant.",
                    MaxOutputTokens = 32,
                    Client = client,
                };
                at = at.AddSeconds(pace * (0.9 + (rng.NextDouble() * 0.2)));
            }
        }
    }
}
