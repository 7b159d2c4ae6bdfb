using System.Text.Json;

namespace AntiDistill.Demo;

/// <summary>One signal of a verdict: its measured value and its share of the risk.</summary>
internal sealed record Signal(string Name, double Value, double Contribution);

/// <summary>An account as report v1 rates it, with the population the simulator says it belongs to.</summary>
internal sealed record AccountFinding(
    string Account, string Population, bool IsCampaign, int Requests, double Risk, string Verdict, string? Cluster,
    int? FirstFlaggedRequest, double AccountRisk, double ClusterRisk, IReadOnlyList<Signal> Signals);

/// <summary>A cluster of linked accounts from report v1, with the evidence (link kind, number of links) that joined it.</summary>
internal sealed record ClusterFinding(string Id, IReadOnlyList<string> Accounts, int Requests, double Risk, string Verdict, IReadOnlyList<(string Name, int Links)> Evidence);

/// <summary>
/// What the demo reads back: <c>report.json</c> (report v1, the contract other tools consume) joined with the
/// simulator's truth file, so the summary can say which population each finding really was.
/// </summary>
internal sealed class Findings
{
    public required long Records { get; init; }

    public required IReadOnlyList<AccountFinding> Accounts { get; init; }

    public required IReadOnlyList<ClusterFinding> Clusters { get; init; }

    public static Findings Load(string reportPath, string truthPath)
    {
        var truth = LoadTruth(truthPath);
        using var document = JsonDocument.Parse(File.ReadAllBytes(reportPath));
        var root = document.RootElement;
        var accounts = root.GetProperty("accounts").EnumerateArray().Select(a =>
        {
            string name = a.GetProperty("account").GetString()!;
            var (population, campaign) = truth.GetValueOrDefault(name, ("unknown", false));
            return new AccountFinding(
                name, population, campaign,
                a.GetProperty("requests").GetInt32(),
                a.GetProperty("risk").GetDouble(),
                a.GetProperty("verdict").GetString()!,
                a.GetProperty("cluster").GetString(),
                a.GetProperty("first_flagged_request").ValueKind == JsonValueKind.Number ? a.GetProperty("first_flagged_request").GetInt32() : null,
                a.GetProperty("account_risk").GetDouble(),
                a.GetProperty("cluster_risk").GetDouble(),
                Signals(a));
        }).ToList();
        var clusters = root.GetProperty("clusters").EnumerateArray().Select(c => new ClusterFinding(
            c.GetProperty("id").GetString()!,
            c.GetProperty("accounts").EnumerateArray().Select(m => m.GetString()!).ToList(),
            c.GetProperty("requests").GetInt32(),
            c.GetProperty("risk").GetDouble(),
            c.GetProperty("verdict").GetString()!,
            c.GetProperty("evidence").EnumerateArray().Select(e => (e.GetProperty("name").GetString()!, e.GetProperty("links").GetInt32())).ToList()))
            .ToList();
        return new Findings { Records = root.GetProperty("input").GetProperty("records").GetInt64(), Accounts = accounts, Clusters = clusters };
    }

    private static List<Signal> Signals(JsonElement owner) =>
        owner.GetProperty("signals").EnumerateArray()
            .Select(s => new Signal(s.GetProperty("name").GetString()!, s.GetProperty("value").GetDouble(), s.GetProperty("contribution").GetDouble()))
            .ToList();

    /// <summary>The truth file <c>antidistill simulate</c> writes beside the log: <c>account,population,campaign,requests,source</c>.</summary>
    private static Dictionary<string, (string Population, bool Campaign)> LoadTruth(string path) =>
        File.ReadLines(path).Skip(1).Select(line => line.Split(','))
            .ToDictionary(f => f[0], f => (f[1], f[2] == "yes"), StringComparer.Ordinal);
}
