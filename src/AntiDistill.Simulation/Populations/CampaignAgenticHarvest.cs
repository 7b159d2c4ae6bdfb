using System.Globalization;

namespace AntiDistill.Simulation;

/// <summary>
/// An agentic-coding harvest: one scaffold system prompt and tool list, tasks sent single-turn with big
/// budgets from a few cloud subnets, every account firing in synchronized waves; a fresh card per account.
/// </summary>
public sealed class CampaignAgenticHarvest : Population
{
    /// <summary>The harvest scaffold's system prompt.</summary>
    public const string Scaffold = "You are an expert autonomous software engineer. Solve the task completely. Think through the design, " +
        "write the full implementation with tests, and explain every decision. Use the provided tools to read files and run commands.";

    /// <summary>Minutes between waves. Default 30.</summary>
    public double WaveMinutes { get; init; } = 30;

    /// <summary>Share of accounts firing in each wave. Default 0.25.</summary>
    public double WaveShare { get; init; } = 0.25;

    /// <inheritdoc />
    public override string Name => "campaign_agentic";

    /// <inheritdoc />
    public override bool IsCampaign => true;

    /// <inheritdoc />
    public override IEnumerable<SimulatedRequest> Generate(PopulationContext context)
    {
        var rng = context.Rng;
        int subnet = rng.Next(20, 200);
        var kinds = new[] { PromptKind.Coding, PromptKind.Issue, PromptKind.Agentic };
        for (var wave = context.Start.AddMinutes(rng.NextDouble() * WaveMinutes); wave < context.End; wave = wave.AddMinutes(WaveMinutes))
        {
            foreach (string account in context.Accounts)
            {
                if (rng.NextDouble() > WaveShare)
                {
                    continue;
                }

                var item = context.Prompts.Pick(kinds[rng.Next(kinds.Length)], rng);
                yield return Request(account, wave.AddSeconds(rng.NextDouble() * 20), item) with
                {
                    SystemPrompt = Scaffold,
                    ToolCount = 6,
                    MaxOutputTokens = 64000,
                    Reasoning = true,
                    Format = ApiFormat.OpenAIChatCompletions,
                    ToolSet = "harvest-scaffold",
                    Client = new ClientProfile
                    {
                        Ip = string.Create(CultureInfo.InvariantCulture, $"34.{subnet}.{rng.Next(0, 8)}.{rng.Next(1, 255)}"),
                        Asn = Networks.CloudAsn,
                        UserAgent = "python-requests/2.32.3",
                        TlsFingerprint = "ja4_python_311",
                        Payment = "pm_" + account,
                        Device = "dev_" + account,
                        EmailDomain = "gmail.com",
                    },
                };
            }
        }
    }
}
