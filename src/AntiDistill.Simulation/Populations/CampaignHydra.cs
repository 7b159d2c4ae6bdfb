using System.Globalization;

namespace AntiDistill.Simulation;

/// <summary>
/// A hydra: many accounts of one operator, each a light user. Cards shared in small groups, accounts
/// created in bursts, every request from a different residential proxy address, one orchestrator
/// (one client) sending one reasoning-harvest template round-robin over the accounts around the clock.
/// </summary>
public sealed class CampaignHydra : Population
{
    private static readonly string[] Disposable = ["mailbox-x.example", "tempinbox.example", "quickmail.example"];

    /// <summary>Accounts per shared card. Default 8.</summary>
    public int AccountsPerCard { get; init; } = 8;

    /// <summary>Requests per account per day. Default 26 (one reported campaign's rate).</summary>
    public double RequestsPerAccountPerDay { get; init; } = 26;

    /// <summary>Distinct /24 prefixes in the proxy pool. Default 5,000.</summary>
    public int ProxyPrefixes { get; init; } = 5_000;

    /// <inheritdoc />
    public override string Name => "campaign_hydra";

    /// <summary>An exit address of the residential proxy pool (shared with the reseller's other customers, see <see cref="OrganicVpnUser"/>).</summary>
    internal static string ProxyAddress(int prefix, Random rng) =>
        string.Create(CultureInfo.InvariantCulture, $"{60 + (prefix / 65536)}.{prefix / 256 % 256}.{prefix % 256}.{rng.Next(1, 255)}");

    /// <inheritdoc />
    public override bool IsCampaign => true;

    /// <inheritdoc />
    public override IEnumerable<SimulatedRequest> Generate(PopulationContext context)
    {
        var rng = context.Rng;
        int n = context.Accounts.Count;
        if (n == 0)
        {
            yield break;
        }

        string template = HarvestTemplates.ChainOfThought[rng.Next(HarvestTemplates.ChainOfThought.Length - 1)];
        string operatorId = "op" + rng.Next(100_000);
        var created = context.Start.AddDays(-3);
        var profiles = new ClientProfile[n];
        for (int i = 0; i < n; i++)
        {
            profiles[i] = new ClientProfile
            {
                UserAgent = "python-httpx/0.28.1",
                TlsFingerprint = "ja4_python_312",
                Payment = $"pm_{operatorId}_{i / AccountsPerCard}",
                Device = $"dev_{operatorId}_{i}",
                EmailDomain = Disposable[rng.Next(Disposable.Length)],
                AccountCreated = created.AddMinutes((i / 50 * 180) + rng.Next(5)), // bursts of 50 every three hours
            };
        }

        // Round-robin: the orchestrator walks the accounts in turn at a steady global rate, with jitter.
        double gapSeconds = 86_400 / (RequestsPerAccountPerDay * n);
        var at = context.Start.AddSeconds(rng.NextDouble() * gapSeconds);
        var kinds = new[] { PromptKind.Math, PromptKind.Reasoning };
        for (long k = 0; at < context.End; k++)
        {
            int i = (int)(k % n);
            var item = context.Prompts.Pick(kinds[rng.Next(kinds.Length)], rng);
            int prefix = rng.Next(ProxyPrefixes);
            yield return Request(context.Accounts[i], at, item with { Text = string.Format(CultureInfo.InvariantCulture, template, item.Text) }) with
            {
                MaxOutputTokens = 32000,
                Reasoning = rng.NextDouble() < 0.5,
                Format = ApiFormat.AnthropicMessages,
                Client = profiles[i] with
                {
                    Ip = ProxyAddress(prefix, rng),
                    Asn = Clients.ResidentialAsn(rng),
                },
            };
            at = at.AddSeconds(gapSeconds * (0.5 + rng.NextDouble()));
        }
    }
}
