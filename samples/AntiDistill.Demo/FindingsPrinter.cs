namespace AntiDistill.Demo;

/// <summary>The console summary: verdicts, the campaigns found and why, what stayed organic, where the reports are.</summary>
internal static class FindingsPrinter
{
    private const string Organic = "organic";

    public static void Print(Findings findings, DemoSettings settings, TextWriter o)
    {
        var accounts = findings.Accounts;
        o.WriteLine();
        o.WriteLine($"Verdicts for {accounts.Count:N0} accounts ({findings.Records:N0} requests): " +
            $"{Count(accounts, Organic):N0} organic, {Count(accounts, "suspicious"):N0} suspicious, {Count(accounts, "campaign"):N0} campaign.");

        PrintClusters(findings, o);
        PrintExamples(findings, o);
        PrintPopulations(accounts, o);

        o.WriteLine();
        o.WriteLine($"Report (report v1): {Path.GetFullPath(settings.Report)}");
        o.WriteLine($"HTML, open it in a browser: {Path.GetFullPath(settings.Html)}");
        o.WriteLine($"Log and truth: {Path.GetFullPath(settings.Log)}, {Path.GetFileName(settings.Truth)}");
    }

    private static void PrintClusters(Findings findings, TextWriter o)
    {
        var byName = findings.Accounts.ToDictionary(a => a.Account, StringComparer.Ordinal);
        o.WriteLine();
        o.WriteLine("Campaigns found (linked clusters rated suspicious or worse):");
        foreach (var cluster in findings.Clusters.Where(c => c.Verdict != Organic).OrderByDescending(c => c.Accounts.Count))
        {
            o.WriteLine($"  {cluster.Id}  {cluster.Accounts.Count,4} accounts  {cluster.Requests,7:N0} requests  risk {cluster.Risk:0.00}  {cluster.Verdict}");
            o.WriteLine($"          linked by {Evidence(cluster)}");
            o.WriteLine($"          really: {Tally(cluster.Accounts.Select(a => byName[a].Population))}");
        }

        var alone = findings.Accounts.Where(a => a.Verdict != Organic && a.Cluster is null).ToList();
        if (alone.Count > 0)
        {
            o.WriteLine($"  flagged on their own (no cluster): {alone.Count} accounts, really: {Tally(alone.Select(a => a.Population))}");
        }

        foreach (var cluster in findings.Clusters.Where(c => c.Verdict == Organic))
        {
            o.WriteLine($"  linked but left organic: {cluster.Id} ({cluster.Accounts.Count} accounts, {Tally(cluster.Accounts.Select(a => byName[a].Population))}; {Evidence(cluster)})");
        }
    }

    private static void PrintExamples(Findings findings, TextWriter o)
    {
        o.WriteLine();
        o.WriteLine("Why, for a few accounts (risk = the larger of the account's own and its cluster's; top signals with value and share of the score):");
        var examples = findings.Clusters.Where(c => c.Verdict != Organic).OrderByDescending(c => c.Accounts.Count).Take(2)
            .Select(c => findings.Accounts.Where(a => a.Cluster == c.Id).OrderByDescending(a => a.Risk).First())
            .Concat(findings.Accounts.Where(a => a.Verdict != Organic && a.Cluster is null).OrderByDescending(a => a.Risk).Take(1))
            .Concat(findings.Accounts.Where(a => !a.IsCampaign).OrderByDescending(a => a.Risk).Take(1));
        foreach (var a in examples)
        {
            string flagged = a.FirstFlaggedRequest is { } first ? $"flagged at request {first} of {a.Requests}" : $"never flagged in {a.Requests} requests";
            o.WriteLine($"  {a.Account} ({a.Population}{(a.Cluster is null ? "" : ", " + a.Cluster)}): {a.Verdict}, risk {a.Risk:0.00}, {flagged}");
            var top = a.Signals.Where(s => s.Contribution > 0).OrderByDescending(s => s.Contribution).Take(4)
                .Select(s => $"{s.Name} {s.Value:0.00} (+{s.Contribution:0.00})");
            o.WriteLine($"      own {a.AccountRisk:0.00}, cluster {a.ClusterRisk:0.00}; {string.Join(", ", top.DefaultIfEmpty("no signal above zero"))}");
        }
    }

    private static void PrintPopulations(IReadOnlyList<AccountFinding> accounts, TextWriter o)
    {
        o.WriteLine();
        o.WriteLine("Against the simulator's truth:");
        o.WriteLine($"  {"population",-26} {"accounts",8} {"organic",8} {"suspicious",10} {"campaign",9} {"median first flag",18}");
        foreach (var group in accounts.GroupBy(a => a.Population).OrderByDescending(g => g.First().IsCampaign).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            var firsts = group.Where(a => a.FirstFlaggedRequest is not null).Select(a => a.FirstFlaggedRequest!.Value).Order().ToList();
            string median = firsts.Count == 0 ? "-" : $"request {firsts[firsts.Count / 2]}";
            o.WriteLine($"  {group.Key,-26} {group.Count(),8} {Count(group, Organic),8} {Count(group, "suspicious"),10} {Count(group, "campaign"),9} {median,18}");
        }

        var traps = accounts.Where(a => !a.IsCampaign).ToList();
        var missed = accounts.Where(a => a.IsCampaign && a.Verdict == Organic).ToList();
        o.WriteLine();
        o.WriteLine($"Left organic: {Count(traps, Organic):N0} of {traps.Count:N0} legitimate accounts, including the false-positive traps " +
            "(heavy users, coding-agent users, batch jobs, benchmark runs, NATs, VPNs, teams on one card).");
        o.WriteLine(missed.Count == 0
            ? "Missed: no campaign account."
            : $"Missed: {missed.Count:N0} campaign accounts stayed organic ({Tally(missed.Select(a => a.Population))}); benchmarks/results/quality.md has the full-scale figures.");
    }

    private static int Count(IEnumerable<AccountFinding> accounts, string verdict) => accounts.Count(a => a.Verdict == verdict);

    private static string Evidence(ClusterFinding cluster) =>
        string.Join(", ", cluster.Evidence.OrderByDescending(e => e.Links).Take(3).Select(e => $"{e.Name} ({e.Links} link{(e.Links == 1 ? "" : "s")})"));

    private static string Tally(IEnumerable<string> populations) =>
        string.Join(", ", populations.GroupBy(p => p).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}"));
}
