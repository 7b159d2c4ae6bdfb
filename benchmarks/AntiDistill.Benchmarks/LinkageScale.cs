using System.Diagnostics;
using System.Text;
using AntiDistill.Simulation;

namespace AntiDistill.Benchmarks;

/// <summary>
/// A hydra of 25,000 accounts sending 1,000,000 requests (a tenth of one reported campaign's exchanges)
/// through the engine with linkage on, linkage processed every 256 requests as a background loop would:
/// time, peak memory, and how many of the accounts end in the campaign's cluster.
/// <c>dotnet run -c Release --project benchmarks/AntiDistill.Benchmarks -- linkage [OUT.md] [--corpora DIR]</c>.
/// </summary>
internal static class LinkageScale
{
    public static string Run(string? corpora, int Accounts = 25_000, int Requests = 1_000_000)
    {
        var prompts = corpora is not null && Directory.Exists(corpora) ? PromptLibrary.Load(corpora) : PromptLibrary.BuiltIn();
        var start = new DateTimeOffset(2026, 4, 6, 0, 0, 0, TimeSpan.Zero);
        var names = Enumerable.Range(0, Accounts).Select(i => $"hydra_{i:D5}").ToArray();
        var context = new PopulationContext(new Random(11), prompts, start, TimeSpan.FromDays(3), names);

        var engine = new DistillationEngine(new AntiDistillationOptions());
        var replay = new EngineReplay(engine) { LinkEvery = 256 };
        var campaign = new HashSet<string>();
        var clock = Stopwatch.StartNew();
        int requests = 0;
        foreach (var request in new CampaignHydra().Generate(context))
        {
            if (replay.Observe(request).Verdict == Verdict.Campaign)
            {
                campaign.Add(request.Account);
            }

            if (++requests == Requests)
            {
                break;
            }
        }

        engine.ProcessLinkage();
        double seconds = clock.Elapsed.TotalSeconds;
        var clusters = engine.GetClusters();
        var largest = clusters.MaxBy(c => c.Accounts.Count);
        long peak = Process.GetCurrentProcess().PeakWorkingSet64;
        long heap = GC.GetTotalMemory(forceFullCollection: true);

        var sb = new StringBuilder();
        sb.AppendLine("# Linkage at scale");
        sb.AppendLine();
        sb.AppendLine($"`dotnet run -c Release --project benchmarks/AntiDistill.Benchmarks -- linkage` ({(prompts.FromCorpora ? "corpora" : "built-in")} prompts; generation included in the time).");
        sb.AppendLine();
        sb.AppendLine("| measure | value |");
        sb.AppendLine("|---|---:|");
        sb.AppendLine($"| hydra accounts | {Accounts:N0} |");
        sb.AppendLine($"| requests replayed | {requests:N0} |");
        sb.AppendLine($"| seconds | {seconds:N1} |");
        sb.AppendLine($"| requests per second | {requests / seconds:N0} |");
        sb.AppendLine($"| peak working set | {peak / (1024.0 * 1024):N0} MiB |");
        sb.AppendLine($"| managed heap at the end | {heap / (1024.0 * 1024):N0} MiB |");
        sb.AppendLine($"| clusters | {clusters.Count:N0} |");
        sb.AppendLine($"| accounts in the largest cluster | {largest?.Accounts.Count ?? 0:N0} |");
        sb.AppendLine($"| largest cluster's risk / verdict | {largest?.Risk ?? 0:0.00} / {largest?.Verdict.ToString().ToLowerInvariant()} |");
        sb.AppendLine($"| accounts rated campaign at some request | {campaign.Count:N0} |");
        sb.AppendLine($"| linkage events dropped (queue full) | {engine.LinkageDropped:N0} |");
        if (largest is not null)
        {
            sb.AppendLine();
            sb.AppendLine("Largest cluster's evidence: " + string.Join(", ", largest.Evidence.Select(kv => $"{LinkKindNames.GetName(kv.Key)} {kv.Value:N0}")) + ".");
        }

        return sb.ToString();
    }
}
