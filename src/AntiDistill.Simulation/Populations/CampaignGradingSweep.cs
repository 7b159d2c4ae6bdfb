namespace AntiDistill.Simulation;

/// <summary>Accounts collecting reward-model data: rubric grading and pairwise comparison of responses.</summary>
public sealed class CampaignGradingSweep : Population
{
    /// <inheritdoc />
    public override string Name => "campaign_grading_sweep";

    /// <inheritdoc />
    public override bool IsCampaign => true;

    /// <inheritdoc />
    public override IEnumerable<SimulatedRequest> Generate(PopulationContext context)
    {
        var rng = context.Rng;
        foreach (string account in context.Accounts)
        {
            var client = Clients.Person(account, rng) with { UserAgent = "python-httpx/0.28.1", TlsFingerprint = "ja4_python_312" };
            string template = HarvestTemplates.Grading[rng.Next(HarvestTemplates.Grading.Length)];
            var at = context.Start.AddMinutes(rng.NextDouble() * 60);
            while (at < context.End)
            {
                var question = context.Prompts.Pick(rng.NextDouble() < 0.5 ? PromptKind.Organic : PromptKind.Math, rng);
                string a = context.Prompts.Pick(PromptKind.Reasoning, rng).Text;
                string b = context.Prompts.Pick(PromptKind.Reasoning, rng).Text;
                string text = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, question.Text, a, b);
                yield return Request(account, at, question with { Text = text }) with { MaxOutputTokens = 8192, Reasoning = rng.NextDouble() < 0.3, Client = client };
                at = at.AddMinutes(-8 * Math.Log(1 - rng.NextDouble()));
            }
        }
    }
}
