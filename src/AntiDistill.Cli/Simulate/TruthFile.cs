using System.Globalization;
using System.Text;
using AntiDistill.Simulation;

namespace AntiDistill.Cli.Simulate;

/// <summary>
/// The truth beside a simulated log, <c>NAME.truth.csv</c> for <c>NAME.jsonl[.gz]</c>: one row per account,
/// <c>account,population,campaign,requests,source</c>, where <c>source</c> is the corpus most of the account's
/// prompts came from (follow-ups aside), for per-source scoring.
/// </summary>
internal sealed class TruthFile
{
    public const string Header = "account,population,campaign,requests,source";

    private readonly Dictionary<string, Entry> _accounts = new(StringComparer.Ordinal);

    /// <summary>The truth file's path for a log path (<c>x.jsonl</c> or <c>x.jsonl.gz</c> gives <c>x.truth.csv</c>).</summary>
    public static string PathFor(string logPath)
    {
        ArgumentNullException.ThrowIfNull(logPath);
        string path = logPath;
        foreach (string suffix in (string[])[".gz", ".jsonl"])
        {
            if (path.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                path = path[..^suffix.Length];
            }
        }

        return path + ".truth.csv";
    }

    public int Accounts => _accounts.Count;

    public void Add(string accountId, SimulatedRequest request)
    {
        if (!_accounts.TryGetValue(accountId, out var entry))
        {
            _accounts[accountId] = entry = new Entry(request.Population, request.IsCampaign);
        }

        entry.Requests++;
        if (request.Source != "followup")
        {
            entry.Sources[request.Source] = entry.Sources.GetValueOrDefault(request.Source) + 1;
        }
    }

    public void Write(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Header + "\n");
        var line = new StringBuilder();
        foreach (var (account, entry) in _accounts.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            string source = entry.Sources.Count == 0 ? "none"
                : entry.Sources.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).First().Key;
            line.Clear().Append(CultureInfo.InvariantCulture, $"{account},{entry.Population},{(entry.IsCampaign ? "yes" : "no")},{entry.Requests},{source}\n");
            writer.Write(line);
        }
    }

    private sealed class Entry(string population, bool isCampaign)
    {
        public string Population { get; } = population;

        public bool IsCampaign { get; } = isCampaign;

        public int Requests { get; set; }

        public Dictionary<string, int> Sources { get; } = new(StringComparer.Ordinal);
    }
}
