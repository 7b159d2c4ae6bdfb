using AntiDistill.Cli.Analyze;

namespace AntiDistill.Cli.Report;

/// <summary>Turns the engine's end state and what replay recorded into an <see cref="AnalysisReport"/>.</summary>
internal static class ReportBuilder
{
    public static AnalysisReport Build(DistillationEngine engine, ReplayStage replay, long badLines, LogSource source, RiskModelOptions risk)
    {
        var table = replay.Accounts;
        var clusters = BuildClusters(engine, table, out var clusterOf, out var memberRows);
        var lone = AddShareable(engine, replay, clusters, memberRows, clusterOf);
        var accounts = new AccountFindings(engine, table, clusterOf, lone);

        return new AnalysisReport
        {
            Input = new ReportInput
            {
                Lines = replay.Lines,
                Records = replay.Records,
                BadLines = badLines,
                Accounts = table.Count,
                FirstTs = replay.Records > 0 ? At(replay.FirstTicks) : null,
                LastTs = replay.Records > 0 ? At(replay.LastTicks) : null,
                Bytes = source.Length,
                Compressed = source.Compressed,
                UnreadBodies = replay.UnreadBodies,
                LateRecords = replay.LateRecords,
                Damage = source.Damage,
            },
            Thresholds = new ReportThresholds(risk.SuspiciousThreshold, risk.CampaignThreshold),
            Accounts = accounts,
            Clusters = clusters,
            Timeline = BuildTimeline(replay.Timeline),
        };
    }

    /// <summary>
    /// Fills the shareable evidence of flagged clusters (in place) and returns that of flagged lone accounts by row: what
    /// <c>antidistill indicators export</c> reads back from the report.
    /// </summary>
    private static Dictionary<int, List<Indicators.ShareableEvidence>> AddShareable(DistillationEngine engine, ReplayStage replay,
        List<ClusterFinding> clusters, Dictionary<string, List<int>> memberRows, Dictionary<ulong, string> clusterOf)
    {
        var table = replay.Accounts;
        var groups = new List<IReadOnlyList<int>>();
        var flaggedClusters = new List<int>();
        for (int i = 0; i < clusters.Count; i++)
        {
            if (clusters[i].Verdict >= Verdict.Suspicious)
            {
                flaggedClusters.Add(i);
                groups.Add(memberRows[clusters[i].Id]);
            }
        }

        var loneRows = new List<int>();
        for (int row = 0; row < table.Count; row++)
        {
            ref var entry = ref table[row];
            var verdict = engine.TryAssess(entry.Id, out var assessment) ? assessment.Verdict : entry.LastVerdict;
            if (verdict >= Verdict.Suspicious && !clusterOf.ContainsKey(entry.Id.Value))
            {
                loneRows.Add(row);
                groups.Add([row]);
            }
        }

        var summaries = replay.Evidence.Summarize(groups, row => table[row].FirstFlagged > 0, table.Count);
        for (int i = 0; i < flaggedClusters.Count; i++)
        {
            clusters[flaggedClusters[i]] = clusters[flaggedClusters[i]] with { Shareable = summaries[i] };
        }

        var lone = new Dictionary<int, List<Indicators.ShareableEvidence>>();
        for (int i = 0; i < loneRows.Count; i++)
        {
            lone[loneRows[i]] = summaries[flaggedClusters.Count + i];
        }

        return lone;
    }

    private static List<ClusterFinding> BuildClusters(DistillationEngine engine, AccountTable table, out Dictionary<ulong, string> clusterOf,
        out Dictionary<string, List<int>> memberRows)
    {
        var result = new List<ClusterFinding>();
        clusterOf = [];
        memberRows = [];
        foreach (var cluster in engine.GetClusters())
        {
            if (cluster.Accounts.Count < 2)
            {
                continue;
            }

            var names = new List<string>(cluster.Accounts.Count);
            var rows = new List<int>(cluster.Accounts.Count);
            int requests = 0;
            foreach (var id in cluster.Accounts)
            {
                if (table.TryFind(id, out int row))
                {
                    rows.Add(row);
                    names.Add(table.Name(row));
                    requests += table[row].Requests;
                }
            }

            names.Sort(StringComparer.Ordinal);
            var evidence = cluster.Evidence
                .Where(kv => kv.Value > 0)
                .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key)
                .Select(kv => new EvidenceEntry(LinkKindNames.GetName(kv.Key), kv.Value))
                .ToList();
            string clusterId = cluster.Id.ToString();
            memberRows[clusterId] = rows;
            foreach (var id in cluster.Accounts)
            {
                clusterOf[id.Value] = clusterId;
            }

            result.Add(new ClusterFinding
            {
                Id = clusterId,
                Accounts = names,
                Risk = Round(cluster.Risk),
                Verdict = cluster.Verdict,
                Requests = requests,
                Evidence = evidence,
                DistinctContent = (Math.Round(cluster.DistinctContent.Cluster, 1), Math.Round(cluster.DistinctContent.LargestMember, 1)),
                SharedTemplateRisk = Round(cluster.SharedTemplateRisk),
                SuspiciousMembers = cluster.SuspiciousMembers,
                Signals = SignalsOf([.. cluster.Signals]),
            });
        }

        result.Sort(static (a, b) =>
            b.Verdict != a.Verdict ? b.Verdict.CompareTo(a.Verdict)
            : b.Risk != a.Risk ? b.Risk.CompareTo(a.Risk)
            : string.CompareOrdinal(a.Id, b.Id));
        return result;
    }

    /// <summary>The signals that say anything (non-zero value or share), the weightiest first.</summary>
    internal static List<SignalEntry> SignalsOf(ReadOnlySpan<SignalScore> scores)
    {
        var list = new List<(SignalScore Score, int Order)>(scores.Length);
        for (int i = 0; i < scores.Length; i++)
        {
            if (scores[i].Value != 0 || scores[i].Contribution != 0)
            {
                list.Add((scores[i], i));
            }
        }

        list.Sort(static (a, b) =>
        {
            int byShare = Math.Abs(b.Score.Contribution).CompareTo(Math.Abs(a.Score.Contribution));
            return byShare != 0 ? byShare : a.Order.CompareTo(b.Order);
        });
        return list.ConvertAll(static s => new SignalEntry(s.Score.Name, Round(s.Score.Value), Round(s.Score.Contribution)));
    }

    private static ReportTimeline BuildTimeline(Timeline timeline)
    {
        var buckets = new List<(long, long, long)>(timeline.Count);
        for (int i = 0; i < timeline.Count; i++)
        {
            buckets.Add((timeline[i, Verdict.Organic], timeline[i, Verdict.Suspicious], timeline[i, Verdict.Campaign]));
        }

        return new ReportTimeline
        {
            Start = timeline.StartTicks >= 0 ? At(timeline.StartTicks) : null,
            Bucket = TimeSpan.FromTicks(timeline.WidthTicks),
            Buckets = buckets,
        };
    }

    internal static DateTimeOffset At(long ticks) => new(ticks, TimeSpan.Zero);

    /// <summary>Four decimals: enough to rank, few enough to read; and no float noise to make reruns differ.</summary>
    internal static double Round(float value) => Math.Round((double)value, 4);
}
