namespace AntiDistill;

/// <summary>
/// Exports a cluster of a running engine as an <see cref="IndicatorCampaign"/> (<see cref="DistillationEngine.ExportCluster"/>):
/// what a running engine holds in clear is only unkeyed, its prompt frames and system-prompt fingerprints. Its client and
/// network values are keyed hashes that another provider cannot match (their keys differ) and that must not travel;
/// a host that wants to share those exports from its logs (<c>antidistill indicators export</c>), where they are in clear.
/// </summary>
internal static class ClusterExport
{
    public static IndicatorCampaign? Export(DistillationEngine engine, Linker linker, ClusterId cluster, string producer, DateTimeOffset now, TimeSpan validFor)
    {
        ClusterSummary? summary = null;
        foreach (var c in engine.GetClusters())
        {
            if (c.Id == cluster)
            {
                summary = c;
                break;
            }
        }

        if (summary is null)
        {
            return null;
        }

        int size = summary.Accounts.Count;
        var indicators = new List<Indicator>();
        int withheld = 0;
        foreach (var (kind, value, members, outsiders) in linker.ContentOf(cluster.Value))
        {
            // The campaign's recipe, not a popular prompt: repeated across its accounts and seen with no account outside it.
            if (members < Math.Min(2, size) || outsiders > 0)
            {
                withheld++;
                continue;
            }

            string text = PromptFingerprints.Format(value);
            indicators.Add(new Indicator
            {
                Id = StixBundleWriter.IndicatorId(producer, kind, text),
                Producer = producer,
                Kind = kind,
                Value = text,
                Confidence = (int)Math.Round(Math.Clamp(summary.Risk * 100, 50, 95)),
                ValidFrom = now,
                ValidUntil = now + validFor,
                Campaign = cluster.ToString(),
            });
        }

        return new IndicatorCampaign
        {
            Name = cluster.ToString(),
            Description = $"{(summary.Verdict == Verdict.Campaign ? "campaign" : summary.Verdict == Verdict.Suspicious ? "suspicious" : "organic")} cluster of {size} accounts (AntiDistill, online engine)",
            Verdict = summary.Verdict >= Verdict.Campaign ? "campaign" : "suspicious",
            Accounts = size,
            Indicators = indicators,
            Withheld =
            [
                new WithheldEvidence("account_ids", "Account ids, API keys, payment and device fingerprints identify customers.", size),
                new WithheldEvidence("keyed_client_and_network_values", "The running engine holds client and network values only as keyed hashes, which another provider cannot match and which must not travel.", 0),
                new WithheldEvidence("hub_values", "Prompt frames and system prompts also seen with accounts outside the cluster.", withheld),
            ],
        };
    }
}
