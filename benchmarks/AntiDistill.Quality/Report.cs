using System.Text.Json;

namespace AntiDistill.Quality;

/// <summary>What the benchmark reads of one account in report v1 (spec fields only).</summary>
internal sealed record ReportAccount(string Account, int Requests, double Risk, string Verdict, string? Cluster, int? FirstFlaggedRequest, IReadOnlyList<(string Name, double Contribution)> Signals)
{
    public bool FlaggedAtEnd => Verdict is "suspicious" or "campaign";

    public bool EverFlagged => FirstFlaggedRequest is not null;
}

/// <summary>Reads the <c>accounts</c> of an <c>antidistill.report/v1</c> document.</summary>
internal static class Report
{
    public static List<ReportAccount> Load(string path)
    {
        using var stream = File.OpenRead(path);
        using var doc = JsonDocument.Parse(stream);
        var root = doc.RootElement;
        if (root.GetProperty("schema").GetString() != "antidistill.report/v1")
        {
            throw new InvalidDataException($"{path}: not an antidistill.report/v1 document.");
        }

        var accounts = new List<ReportAccount>();
        foreach (var a in root.GetProperty("accounts").EnumerateArray())
        {
            var signals = new List<(string, double)>();
            if (a.TryGetProperty("signals", out var s) && s.ValueKind == JsonValueKind.Array)
            {
                foreach (var signal in s.EnumerateArray())
                {
                    signals.Add((signal.GetProperty("name").GetString()!, signal.GetProperty("contribution").GetDouble()));
                }
            }

            accounts.Add(new ReportAccount(
                a.GetProperty("account").GetString()!,
                a.GetProperty("requests").GetInt32(),
                a.GetProperty("risk").GetDouble(),
                a.GetProperty("verdict").GetString()!,
                a.TryGetProperty("cluster", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null,
                a.TryGetProperty("first_flagged_request", out var f) && f.ValueKind == JsonValueKind.Number ? f.GetInt32() : null,
                signals));
        }

        return accounts;
    }
}
