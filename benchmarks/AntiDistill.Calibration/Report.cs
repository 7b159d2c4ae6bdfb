using System.Text;

namespace AntiDistill.Calibration;

/// <summary>The calibration report: fitted defaults, then detection per population and per corpus source on held-out traffic.</summary>
internal static class Report
{
    public static string Write(AntiDistillationOptions fitted, int trainingRequests, int evaluationRequests, Dictionary<string, AccountOutcome> outcomes, string corpora)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Risk model calibration");
        sb.AppendLine();
        sb.AppendLine("Re-derive with `dotnet run -c Release --project benchmarks/AntiDistill.Calibration -- --leave-one-out` (reads `../shared/data/corpora`), then apply with `python3 benchmarks/AntiDistill.Calibration/apply-defaults.py`.");
        sb.AppendLine($"Fitted on {trainingRequests:N0} simulated requests (seed 1), evaluated on {evaluationRequests:N0} others (seed 2). Corpora: `{Path.GetFileName(corpora.TrimEnd('/'))}`.");
        sb.AppendLine("The fit uses each account's own signals; the held-out replay runs with linkage on, so an account also counts as flagged when its cluster is.");
        sb.AppendLine();
        sb.AppendLine("## Defaults (copy into `RiskWeights` / `RiskModelOptions`)");
        sb.AppendLine();
        sb.AppendLine("| parameter | value |");
        sb.AppendLine("|---|---:|");
        sb.AppendLine($"| Bias | {fitted.Risk.Bias:0.00} |");
        for (int i = 0; i < RiskSignalNames.Count; i++)
        {
            var signal = (RiskSignal)i;
            if (signal == RiskSignal.IndicatorMatch)
            {
                continue; // set by design (RiskWeights.IndicatorMatch): the corpora carry no indicator feed to fit it on
            }

            sb.AppendLine($"| Weights.{signal} (`{RiskSignalNames.GetName(signal)}`) | {fitted.Risk.Weights[signal]:0.00} |");
        }

        sb.AppendLine($"| SuspiciousThreshold | {fitted.Risk.SuspiciousThreshold:0.00} |");
        sb.AppendLine($"| CampaignThreshold | {fitted.Risk.CampaignThreshold:0.00} |");
        sb.AppendLine();
        sb.AppendLine("`rushed_follow_ups` is listed with its weight set by design (`RiskWeights.RushedFollowUps`), not fitted; "
            + "`indicator_match` is set by design too and not listed. The dialogue harvests (`campaign_dialogue_harvest`, `campaign_dialogue_streamed`) are kept out of the fit (Program.cs).");
        sb.AppendLine();
        sb.AppendLine("## Held-out detection per population");
        sb.AppendLine();
        sb.AppendLine("| population | accounts | requests | ever flagged | ever campaign | in a cluster at the end | median requests to flag | served before flag | highest peak risk |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var g in outcomes.Values.GroupBy(o => o.Population).OrderBy(g => g.First().IsCampaign).ThenBy(g => g.Key))
        {
            var list = g.ToList();
            int requests = list.Sum(o => o.Requests);
            var firsts = list.Where(o => o.FirstSuspicious is not null).Select(o => o.FirstSuspicious!.Value).OrderBy(v => v).ToList();
            string median = firsts.Count == 0 ? "-" : firsts[firsts.Count / 2].ToString();
            double served = g.First().IsCampaign ? list.Sum(o => o.ServedBeforeFlag) / (double)requests : double.NaN;
            sb.AppendLine($"| {g.Key} | {list.Count} | {requests:N0} | {Share(list, o => o.FirstSuspicious is not null)} | {Share(list, o => o.FirstCampaign is not null)} | {Share(list, o => o.Clustered)} | {median} | {(double.IsNaN(served) ? "-" : served.ToString("P1"))} | {list.Max(o => o.MaxRisk):0.00} |");
        }

        sb.AppendLine();
        sb.AppendLine("## Held-out detection per corpus source");
        sb.AppendLine();
        sb.AppendLine("Accounts grouped by the corpus most of their prompts came from, so a source-specific artefact (length, formatting) would show as one row out of line.");
        sb.AppendLine();
        sb.AppendLine("| kind | source | accounts | ever flagged | ever campaign |");
        sb.AppendLine("|---|---|---:|---:|---:|");
        foreach (var g in outcomes.Values.GroupBy(o => (o.IsCampaign, o.DominantSource)).OrderBy(g => g.Key.IsCampaign).ThenBy(g => g.Key.DominantSource))
        {
            var list = g.ToList();
            sb.AppendLine($"| {(g.Key.IsCampaign ? "campaign" : "organic")} | {g.Key.DominantSource} | {list.Count} | {Share(list, o => o.FirstSuspicious is not null)} | {Share(list, o => o.FirstCampaign is not null)} |");
        }

        sb.AppendLine();
        sb.AppendLine("## Mean signal values per population (held out, each account at its last request)");
        sb.AppendLine();
        sb.AppendLine("What separates whom: a family no signal lifts above its organic look-alikes cannot be caught by weights alone.");
        sb.AppendLine();
        sb.Append("| population |");
        for (int i = 0; i < RiskSignalNames.Count; i++)
        {
            sb.Append($" {RiskSignalNames.GetName((RiskSignal)i)} |");
        }

        sb.AppendLine();
        sb.Append("|---|").AppendLine(string.Concat(Enumerable.Repeat("---:|", RiskSignalNames.Count)));
        foreach (var g in outcomes.Values.Where(o => o.Last is not null).GroupBy(o => o.Population).OrderBy(g => g.First().IsCampaign).ThenBy(g => g.Key))
        {
            sb.Append($"| {g.Key} |");
            for (int i = 0; i < RiskSignalNames.Count; i++)
            {
                sb.Append($" {g.Average(o => o.Last![i]):0.00} |");
            }

            sb.AppendLine();
        }

        var organic = outcomes.Values.Where(o => !o.IsCampaign).ToList();
        var campaigns = outcomes.Values.Where(o => o.IsCampaign).ToList();
        sb.AppendLine();
        sb.AppendLine($"Totals: campaign recall (flagged) {Share(campaigns, o => o.FirstSuspicious is not null)}, organic ever flagged {Share(organic, o => o.FirstSuspicious is not null)}, organic ever campaign {Share(organic, o => o.FirstCampaign is not null)}.");
        return sb.ToString();
    }

    private static string Share(List<AccountOutcome> list, Func<AccountOutcome, bool> predicate) =>
        list.Count == 0 ? "-" : $"{list.Count(predicate) / (double)list.Count:P1}";
}
