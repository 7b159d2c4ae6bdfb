using System.Diagnostics;
using System.Globalization;
using System.Text;
using AntiDistill.Cli;

namespace AntiDistill.Quality;

/// <summary>
/// The indicator-sharing experiment (issue 15): one simulated world split between two providers (disjoint accounts and
/// traffic, one operator's recipes and infrastructure, each provider its own organic users). A analyzes its log and
/// exports a bundle; B analyzes its own log without and then with A's bundle. Scores B both ways.
/// </summary>
internal static class Sharing
{
    public static async Task<int> RunAsync(string corpora, int seed, double scale, int days, string work, string results)
    {
        string Path(string name) => System.IO.Path.Combine(work, name);
        var clock = Stopwatch.StartNew();
        string[] common = ["--seed", I(seed), "--scale", I(scale), "--days", I(days), "--corpora", corpora, "--providers", "2"];
        await Run(["simulate", "--out", Path("a.jsonl"), "--provider", "0", .. common]);
        await Run(["simulate", "--out", Path("b.jsonl"), "--provider", "1", .. common]);
        await Run(["analyze", Path("a.jsonl"), "--out", Path("a.report.json")]);
        await Run(["indicators", "export", Path("a.report.json"), "--out", Path("a.bundle.json"), "--producer", "Provider A"]);
        await Run(["analyze", Path("b.jsonl"), "--out", Path("b.without.json")]);
        var load = Stopwatch.StartNew();
        await Run(["analyze", Path("b.jsonl"), "--out", Path("b.with.json"), "--indicators", Path("a.bundle.json")]);
        var withFeed = load.Elapsed;

        var truth = Truth.Load(Path("b.truth.csv"));
        var without = Score(truth, Path("b.without.json"));
        var with = Score(truth, Path("b.with.json"));
        var exported = Score(Truth.Load(Path("a.truth.csv")), Path("a.report.json")).Populations
            .Where(p => p.Value.EverFlaggedShare > 0).Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var bundle = StixBundleReader.Read(await File.ReadAllBytesAsync(Path("a.bundle.json")));
        string markdown = Render(without, with, exported, bundle, seed, scale, days, clock.Elapsed, withFeed) + ByMatch(truth, Path("b.with.json"));
        Console.WriteLine(markdown);
        await File.WriteAllTextAsync(results, markdown);
        Console.WriteLine($"Wrote {results}");
        return 0;
    }

    private static async Task Run(string[] args)
    {
        int code = await CliApp.RunAsync(args);
        if (code != 0)
        {
            throw new InvalidOperationException($"antidistill {string.Join(' ', args)} failed with exit code {code}.");
        }
    }

    private static Scorecard Score(Dictionary<string, TruthRow> truth, string report) =>
        new([.. Report.Load(report).Where(a => truth.ContainsKey(a.Account)).Select(a => new Joined(truth[a.Account], a))]);

    private static string Render(Scorecard without, Scorecard with, HashSet<string> exported, IndicatorBundle bundle, int seed, double scale, int days, TimeSpan total, TimeSpan withFeed)
    {
        var md = new StringBuilder();
        md.AppendLine("# Indicator sharing between two providers");
        md.AppendLine();
        md.AppendLine("Rerun with `dotnet run -c Release --project benchmarks/AntiDistill.Quality -- --sharing` (reads `../shared/data/corpora`). In-process it runs:");
        md.AppendLine();
        md.AppendLine("```");
        md.AppendLine(I($"antidistill simulate --out a.jsonl --providers 2 --provider 0 --seed {seed} --scale {scale} --days {days} --corpora …"));
        md.AppendLine(I($"antidistill simulate --out b.jsonl --providers 2 --provider 1 --seed {seed} --scale {scale} --days {days} --corpora …"));
        md.AppendLine("antidistill analyze a.jsonl --out a.report.json");
        md.AppendLine("antidistill indicators export a.report.json --out a.bundle.json --producer \"Provider A\"");
        md.AppendLine("antidistill analyze b.jsonl --out b.without.json");
        md.AppendLine("antidistill analyze b.jsonl --out b.with.json --indicators a.bundle.json");
        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine("One simulated world split by account (`ProviderSplit`): each provider gets half of every population, so the two see one");
        md.AppendLine("operator's campaigns with disjoint accounts and traffic but the same templates, system prompts, clients and proxy pool,");
        md.AppendLine("and each has its own organic users. Scored against B's truth file, spec fields only.");
        md.AppendLine();
        var kinds = bundle.Indicators.GroupBy(i => i.Kind).OrderBy(g => g.Key).Select(g => I($"{g.Count():N0} {IndicatorKindNames.GetName(g.Key)}"));
        md.AppendLine(I($"A's bundle: {bundle.Campaigns.Count} campaigns, {bundle.Indicators.Count():N0} indicators ({string.Join(", ", kinds)})."));
        md.AppendLine(I($"B's analysis with the feed took {withFeed.TotalSeconds:N1} s (loading included); the whole experiment {total.TotalSeconds:N0} s."));
        md.AppendLine();
        md.AppendLine("*flagged* = rated `suspicious` or worse at some request of B's streaming replay; *served before flag* = requests an account sent");
        md.AppendLine("before the one at which it was first flagged (all of them if never), over the family's requests.");
        md.AppendLine();
        md.AppendLine("## Goals (B with A's bundle)");
        md.AppendLine();
        md.AppendLine("| goal | target | measured | |");
        md.AppendLine("|---|---|---:|---|");
        var unshared = new List<string>();
        foreach (var (name, stats) in with.Populations.Where(p => p.Key.StartsWith("campaign", StringComparison.Ordinal)))
        {
            // The goal is for the families B shares with A: a family A flagged no account of has nothing in A's bundle.
            if (!exported.Contains(name))
            {
                unshared.Add(name);
                continue;
            }

            double median = stats.MedianFirstFlag ?? double.PositiveInfinity;
            md.AppendLine(I($"| {name}: median requests to flag | <= 3 | {Markdown.Median(stats)} | {(median <= 3 ? "pass" : "**FAIL**")} |"));
            md.AppendLine(I($"| {name}: requests served before the flag | <= 2 % | {Markdown.Pct(stats.ServedBeforeFlagShare)} | {(stats.ServedBeforeFlagShare <= 0.02 ? "pass" : "**FAIL**")} |"));
        }

        md.AppendLine(I($"| organic accounts flagged at all | <= 1 % | {Markdown.Pct(with.AllOrganic.EverFlaggedShare)} | {(with.AllOrganic.EverFlaggedShare <= 0.01 ? "pass" : "**FAIL**")} |"));
        md.AppendLine(I($"| organic accounts rated campaign | <= 0.1 % | {Markdown.Pct(with.AllOrganic.CampaignShare)} | {(with.AllOrganic.CampaignShare <= 0.001 ? "pass" : "**FAIL**")} |"));
        md.AppendLine();
        if (unshared.Count > 0)
        {
            md.AppendLine(I($"Not in the goals: {string.Join(", ", unshared.Select(n => $"`{n}`"))}. A flagged none of their accounts, so its bundle"));
            md.AppendLine("holds nothing of them to share (their detection is issue 14's); B's figures for them are in the table below.");
            md.AppendLine();
        }

        md.AppendLine("## B without and with A's bundle, per population");
        md.AppendLine();
        md.AppendLine("| population | accounts | flagged (without → with) | median requests to flag | served before flag | rated campaign |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (string name in with.Populations.Keys.OrderBy(n => n.StartsWith("campaign", StringComparison.Ordinal)).ThenBy(n => n, StringComparer.Ordinal))
        {
            Row(md, name, without.Populations[name], with.Populations[name]);
        }

        Row(md, "**all organic**", without.AllOrganic, with.AllOrganic);
        Row(md, "**all campaign**", without.AllCampaign, with.AllCampaign);
        return md.ToString();
    }

    /// <summary>Campaign accounts split by the kind of indicator that explains their match (report field indicator_match): what the feed could and could not carry.</summary>
    private static string ByMatch(Dictionary<string, TruthRow> truth, string report)
    {
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(report));
        var groups = new SortedDictionary<(string, string), (int Accounts, long Requests, long Served, int Flagged)>();
        foreach (var a in document.RootElement.GetProperty("accounts").EnumerateArray())
        {
            if (!truth.TryGetValue(a.GetProperty("account").GetString()!, out var row) || !row.IsCampaign)
            {
                continue;
            }

            string kind = a.TryGetProperty("indicator_match", out var m) ? m.GetProperty("kind").GetString()! : "(none)";
            int requests = a.GetProperty("requests").GetInt32();
            var first = a.GetProperty("first_flagged_request");
            var g = groups.GetValueOrDefault((row.Population, kind));
            groups[(row.Population, kind)] = (g.Accounts + 1, g.Requests + requests,
                g.Served + (first.ValueKind == System.Text.Json.JsonValueKind.Number ? first.GetInt32() - 1 : requests),
                g.Flagged + (first.ValueKind == System.Text.Json.JsonValueKind.Number ? 1 : 0));
        }

        var md = new StringBuilder();
        md.AppendLine();
        md.AppendLine("## B's campaign accounts by the indicator they matched");
        md.AppendLine();
        md.AppendLine("What the feed can carry is a campaign's recipe. `campaign_camouflaged` gives each account one of five wrappers, two of which");
        md.AppendLine("have no six fixed words on either side of the item (`{0}` alone, `hey, quick one: {0} explain your thinking please`): those");
        md.AppendLine("accounts share no frame, system prompt or infrastructure with A's (each is a residential person), so the bundle cannot reach");
        md.AppendLine("them and they stay where B's own detection leaves them. The accounts whose wrapper has a frame are all flagged with the feed.");
        md.AppendLine();
        md.AppendLine("| population | matched | accounts | flagged | served before flag |");
        md.AppendLine("|---|---|---:|---:|---:|");
        foreach (var ((population, kind), g) in groups)
        {
            md.AppendLine(I($"| {population} | {kind} | {g.Accounts:N0} | {Markdown.Pct(g.Flagged / (double)g.Accounts)} | {Markdown.Pct(g.Served / (double)g.Requests)} |"));
        }

        return md.ToString();
    }

    private static void Row(StringBuilder md, string name, GroupStats a, GroupStats b)
    {
        bool campaign = name.Contains("campaign", StringComparison.Ordinal);
        string served = campaign ? $"{Markdown.Pct(a.ServedBeforeFlagShare)} → {Markdown.Pct(b.ServedBeforeFlagShare)}" : "-";
        md.AppendLine(I($"| {name} | {b.Accounts:N0} | {Markdown.Pct(a.EverFlaggedShare)} → {Markdown.Pct(b.EverFlaggedShare)} | {Markdown.Median(a)} → {Markdown.Median(b)} | {served} | {Markdown.Pct(a.CampaignShare)} → {Markdown.Pct(b.CampaignShare)} |"));
    }

    private static string I(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string I<T>(T value) where T : IFormattable => value.ToString(null, CultureInfo.InvariantCulture);
}
