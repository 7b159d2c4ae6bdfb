using System.Globalization;
using System.Text.Json;

namespace AntiDistill.Cli.Indicators;

/// <summary>
/// Turns a report's flagged clusters and lone accounts into an <see cref="IndicatorBundle"/>, from the report's
/// <c>shareable_evidence</c> alone: only values another provider can recompute, never account names (a campaign is named
/// after its cluster id or its rank), and only values that are a campaign's rather than a crowd's (content no organic
/// account sent; client and network values mostly carried by flagged accounts; prefixes seen with enough accounts).
/// What it holds back is counted per campaign in the bundle.
/// </summary>
internal static class BundleExporter
{
    private const string AccountIds = "Account ids, API keys, payment and device fingerprints identify customers; they never leave the deployment, in clear or hashed.";

    public static IndicatorBundle Export(JsonElement report, ExportSettings settings)
    {
        var spans = AccountSpans(report, out var lastTs);
        var campaigns = new List<IndicatorCampaign>();
        foreach (var cluster in Array(report, "clusters"))
        {
            string id = cluster.GetProperty("id").GetString()!;
            var verdict = VerdictOf(cluster);
            if (verdict < settings.MinVerdict || (settings.Clusters.Count > 0 && !settings.Clusters.Contains(id)))
            {
                continue;
            }

            int size = cluster.TryGetProperty("size", out var s) ? s.GetInt32() : Array(cluster, "accounts").Count;
            var span = spans.GetValueOrDefault(id);
            campaigns.Add(Campaign(id, $"{Name(verdict)} cluster of {size} accounts", verdict, Risk(cluster), size, span.First, span.Last, cluster, settings));
        }

        if (settings.Clusters.Count == 0)
        {
            int lone = 0;
            foreach (var account in Array(report, "accounts"))
            {
                var verdict = VerdictOf(account);
                if (verdict < settings.MinVerdict || account.GetProperty("cluster").ValueKind != JsonValueKind.Null)
                {
                    continue;
                }

                // Named by rank, never by the account's name.
                string name = string.Create(CultureInfo.InvariantCulture, $"lone-{++lone:D4}");
                campaigns.Add(Campaign(name, $"{Name(verdict)} account in no cluster", verdict, Risk(account), 1,
                    Time(account, "first_ts"), Time(account, "last_ts"), account, settings));
            }
        }

        return new IndicatorBundle
        {
            Producer = settings.Producer,
            Created = settings.Created ?? lastTs ?? DateTimeOffset.UnixEpoch,
            Tlp = settings.Tlp,
            Campaigns = campaigns,
        };
    }

    private static IndicatorCampaign Campaign(string name, string description, Verdict verdict, double risk, int size,
        DateTimeOffset? first, DateTimeOffset? last, JsonElement group, ExportSettings settings)
    {
        var indicators = new List<Indicator>();
        int hubs = 0, smallPrefixes = 0, browsers = 0;
        foreach (var e in Array(group, "shareable_evidence"))
        {
            if (!TryKind(e.GetProperty("kind").GetString(), out var kind))
            {
                continue;
            }

            string value = e.GetProperty("value").GetString()!;
            int accounts = e.GetProperty("accounts").GetInt32();
            int all = Math.Max(1, e.GetProperty("all_accounts").GetInt32());
            int organic = e.GetProperty("organic_accounts").GetInt32();
            double organicShare = organic / (double)all;
            bool content = kind <= IndicatorKind.SystemPrompt;

            // A content fingerprint any organic account sent is a popular prompt, not this campaign's; client and
            // network values are shared by crowds and pass only when nearly all who carried them were flagged.
            if ((content && organic > 0) || (!content && organicShare > settings.MaxOrganicShare) || accounts < Math.Min(2, size))
            {
                hubs++;
                continue;
            }

            if (kind == IndicatorKind.NetworkPrefix && all < settings.MinPrefixAccounts)
            {
                smallPrefixes++;
                continue;
            }

            if (kind == IndicatorKind.UserAgent && value.Contains("Mozilla/", StringComparison.Ordinal))
            {
                browsers++;
                continue;
            }

            var from = first ?? DateTimeOffset.UnixEpoch;
            indicators.Add(new Indicator
            {
                Id = StixBundleWriter.IndicatorId(settings.Producer, kind, value),
                Producer = settings.Producer,
                Kind = kind,
                Value = value,
                Confidence = (int)Math.Round(Math.Clamp(risk * 100, 50, 95) * (1 - organicShare)),
                ValidFrom = from,
                ValidUntil = (last ?? from) + settings.ValidFor,
                Campaign = name,
            });
        }

        return new IndicatorCampaign
        {
            Name = name,
            Description = description + " (AntiDistill). Indicators are unkeyed fingerprints and shared infrastructure; see docs/indicators.md.",
            Verdict = Name(verdict),
            Accounts = size,
            FirstSeen = first,
            LastSeen = last,
            Indicators = indicators,
            Withheld =
            [
                new WithheldEvidence("account_ids", AccountIds, size),
                new WithheldEvidence("api_keys_payment_device", AccountIds, 0),
                new WithheldEvidence("ip_addresses", "A single address can point at one person; only prefixes seen with enough accounts travel.", 0),
                new WithheldEvidence("prompt_text", "Prompts are customer data; only the documented frame and system-prompt fingerprints travel.", 0),
                new WithheldEvidence("hub_values", "Values organic accounts also carried (a popular prompt, a common client, a big ISP) would flag the innocent.", hubs),
                new WithheldEvidence("network_prefixes_below_k", string.Create(CultureInfo.InvariantCulture, $"Prefixes seen with fewer than {settings.MinPrefixAccounts} accounts."), smallPrefixes),
                new WithheldEvidence("browser_user_agents", "A browser's full User-Agent can single out a person.", browsers),
            ],
        };
    }

    /// <summary>First and last request of each cluster, from its members' rows; and the report's last timestamp.</summary>
    private static Dictionary<string, (DateTimeOffset? First, DateTimeOffset? Last)> AccountSpans(JsonElement report, out DateTimeOffset? lastTs)
    {
        var spans = new Dictionary<string, (DateTimeOffset?, DateTimeOffset?)>(StringComparer.Ordinal);
        lastTs = report.TryGetProperty("input", out var input) ? Time(input, "last_ts") : null;
        foreach (var account in Array(report, "accounts"))
        {
            if (account.GetProperty("cluster").GetString() is not { } cluster)
            {
                continue;
            }

            var (first, last) = spans.GetValueOrDefault(cluster);
            var f = Time(account, "first_ts");
            var l = Time(account, "last_ts");
            spans[cluster] = (first is null || f < first ? f : first, last is null || l > last ? l : last);
        }

        return spans;
    }

    private static List<JsonElement> Array(JsonElement element, string name) =>
        element.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array ? [.. array.EnumerateArray()] : [];

    private static DateTimeOffset? Time(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetDateTimeOffset() : null;

    private static double Risk(JsonElement element) => element.TryGetProperty("risk", out var r) ? r.GetDouble() : 0.5;

    private static Verdict VerdictOf(JsonElement element) => element.GetProperty("verdict").GetString() switch
    {
        "campaign" => Verdict.Campaign,
        "suspicious" => Verdict.Suspicious,
        _ => Verdict.Organic,
    };

    private static string Name(Verdict verdict) => verdict == Verdict.Campaign ? "campaign" : "suspicious";

    private static bool TryKind(string? name, out IndicatorKind kind)
    {
        foreach (var k in Enum.GetValues<IndicatorKind>())
        {
            if (IndicatorKindNames.GetName(k) == name)
            {
                kind = k;
                return true;
            }
        }

        kind = default;
        return false;
    }
}
