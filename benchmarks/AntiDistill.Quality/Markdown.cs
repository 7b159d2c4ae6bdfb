using System.Globalization;
using System.Text;

namespace AntiDistill.Quality;

/// <summary>What the run was: its inputs and how long each stage took.</summary>
internal sealed record RunInfo(int Seed, double Scale, int Days, string Corpora, long Records, long LogBytes, TimeSpan Simulate, TimeSpan Analyze, int Unmatched);

/// <summary>Renders a <see cref="Scorecard"/> as the markdown committed under benchmarks/results.</summary>
internal static class Markdown
{
    public static string Render(Scorecard card, RunInfo run)
    {
        var md = new StringBuilder();
        md.AppendLine("# Detection quality");
        md.AppendLine();
        md.AppendLine("Rerun with `dotnet run -c Release --project benchmarks/AntiDistill.Quality` (reads `../shared/data/corpora`). It runs");
        md.AppendLine(Invariant($"`antidistill simulate --seed {run.Seed} --scale {run.Scale} --days {run.Days} --corpora …` and `antidistill analyze` in-process, then scores"));
        md.AppendLine("report.json (spec fields only) against the simulator's truth file.");
        md.AppendLine();
        md.AppendLine(Invariant($"{run.Records:N0} requests ({run.LogBytes / 1e6:N0} MB of request-log v1) from {card.Accounts.Count:N0} accounts; corpora `{run.Corpora}`; simulate {run.Simulate.TotalSeconds:N1} s, analyze {run.Analyze.TotalSeconds:N1} s."));
        if (run.Unmatched > 0)
        {
            md.AppendLine(Invariant($"**{run.Unmatched} accounts did not match between the truth file and the report** (left out of the tables)."));
        }

        md.AppendLine();
        md.AppendLine("Definitions: *flagged* = rated `suspicious` or worse at some request of the streaming replay (`first_flagged_request` set);");
        md.AppendLine("*at end* = the final verdict; *campaign* = final verdict `campaign`; *served before flag* = requests an account sent before the one");
        md.AppendLine("at which it was first flagged (all of them if never), over the group's requests.");
        md.AppendLine();

        md.AppendLine("## Goals");
        md.AppendLine();
        md.AppendLine("| goal | target | measured | |");
        md.AppendLine("|---|---|---:|---|");
        foreach (var goal in card.Goals)
        {
            string measured = double.IsPositiveInfinity(goal.Measured) ? "never" : goal.Percent ? Pct(goal.Measured) : Invariant($"{goal.Measured:0.#}");
            md.AppendLine(Invariant($"| {goal.Name} | {goal.Target} | {measured} | {(goal.Met ? "pass" : "**FAIL**")} |"));
        }

        md.AppendLine();
        md.AppendLine("## Per population");
        md.AppendLine();
        md.AppendLine("| population | accounts | requests | flagged | flagged at end | campaign | in a cluster | median requests to flag | served before flag |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var g in card.Populations.Values.OrderBy(g => g.Name.StartsWith("campaign", StringComparison.Ordinal)).ThenBy(g => g.Name, StringComparer.Ordinal))
        {
            Row(md, g.Name, g, g.Name.StartsWith("campaign", StringComparison.Ordinal));
        }

        Row(md, "**all organic**", card.AllOrganic, campaign: false);
        Row(md, "**all campaign**", card.AllCampaign, campaign: true);

        md.AppendLine();
        md.AppendLine("## Per prompt source");
        md.AppendLine();
        md.AppendLine("Accounts grouped by the corpus most of their prompts came from (truth file `source`), so a detector that keys on one corpus's");
        md.AppendLine("length or formatting shows as one row out of line.");
        md.AppendLine();
        md.AppendLine("| kind | source | accounts | flagged | campaign | median requests to flag |");
        md.AppendLine("|---|---|---:|---:|---:|---:|");
        foreach (var (kind, groups) in (ReadOnlySpan<(string, SortedDictionary<string, GroupStats>)>)[("organic", card.OrganicSources), ("campaign", card.CampaignSources)])
        {
            foreach (var g in groups.Values)
            {
                md.AppendLine(Invariant($"| {kind} | {g.Name} | {g.Accounts:N0} | {Pct(g.EverFlaggedShare)} | {Pct(g.CampaignShare)} | {Median(g)} |"));
            }
        }

        md.AppendLine();
        Shortfalls(md, card);
        return md.ToString();
    }

    private static void Shortfalls(StringBuilder md, Scorecard card)
    {
        md.AppendLine("## Where the detector falls short");
        md.AppendLine();
        var failed = card.Goals.Where(g => !g.Met).ToList();
        if (failed.Count == 0)
        {
            md.AppendLine("Every goal is met on this run.");
        }

        foreach (var goal in failed)
        {
            md.AppendLine(Invariant($"- **{goal.Name}**: {(goal.Percent ? Pct(goal.Measured) : goal.Measured.ToString("0.#", CultureInfo.InvariantCulture))}, target {goal.Target}."));
        }

        // The overall goals weight campaigns by volume; a small campaign can fail them alone and still pass overall.
        foreach (var g in card.Populations.Values.Where(g => g.Name.StartsWith("campaign", StringComparison.Ordinal)))
        {
            if (g.ServedBeforeFlagShare > 0.10 || g.MedianFirstFlag is null or > 20)
            {
                md.AppendLine(Invariant($"- {g.Name} alone: {Pct(g.ServedBeforeFlagShare)} of its requests served before its accounts were flagged, median requests to flag {Median(g)} (the overall goals weight campaigns by volume)."));
            }
        }

        md.AppendLine();
        md.AppendLine("Campaign accounts never flagged, and organic accounts flagged, with the signals that carried their final score");
        md.AppendLine("(mean contribution over the group's accounts, top five):");
        md.AppendLine();
        md.AppendLine("| population | accounts | of | median final risk | top signals |");
        md.AppendLine("|---|---:|---:|---:|---|");
        foreach (var group in card.Accounts.GroupBy(a => a.Truth.Population).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var odd = group.Where(a => a.Truth.IsCampaign ? !a.Report.EverFlagged : a.Report.EverFlagged).ToList();
            if (odd.Count == 0)
            {
                continue;
            }

            var risks = odd.Select(a => a.Report.Risk).Order().ToList();
            string signals = string.Join(", ", odd.SelectMany(a => a.Report.Signals)
                .GroupBy(s => s.Name)
                .Select(s => (Name: s.Key, Mean: s.Sum(x => x.Contribution) / odd.Count))
                .OrderByDescending(s => s.Mean)
                .Take(5)
                .Select(s => Invariant($"{s.Name} {s.Mean:0.00}")));
            md.AppendLine(Invariant($"| {group.Key} ({(group.First().Truth.IsCampaign ? "missed" : "flagged")}) | {odd.Count:N0} | {group.Count():N0} | {risks[risks.Count / 2]:0.00} | {signals} |"));
        }
    }

    // Served-before-flag is a campaign figure: for organic accounts every request is rightly served.
    private static void Row(StringBuilder md, string name, GroupStats g, bool campaign) =>
        md.AppendLine(Invariant($"| {name} | {g.Accounts:N0} | {g.Requests:N0} | {Pct(g.EverFlaggedShare)} | {Pct(g.FlaggedAtEndShare)} | {Pct(g.CampaignShare)} | {Pct(g.ClusteredShare)} | {Median(g)} | {(campaign ? Pct(g.ServedBeforeFlagShare) : "-")} |"));

    internal static string Median(GroupStats g) => g.MedianFirstFlag is double m ? m.ToString("0.#", CultureInfo.InvariantCulture) : "-";

    internal static string Pct(double share) => (share * 100).ToString(share is > 0 and < 0.001 ? "0.00" : "0.0", CultureInfo.InvariantCulture) + " %";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
