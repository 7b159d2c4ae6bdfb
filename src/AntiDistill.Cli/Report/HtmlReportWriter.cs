using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace AntiDistill.Cli.Report;

/// <summary>
/// Writes the findings as one self-contained HTML page (inline CSS and SVG, no script, no request to the
/// network): summary, risk histogram, cluster sizes, a timeline of flagged traffic, then each campaign with
/// its accounts and evidence. Every string that came from the log is HTML-encoded.
/// </summary>
internal static class HtmlReportWriter
{
    private const int MembersShown = 25;
    private const int LoneAccountsShown = 200;

    public static string Encode(string text) => HtmlEncoder.Default.Encode(text);

    public static void Write(AnalysisReport report, string logName, Stream destination)
    {
        var html = new StringBuilder(64 * 1024);
        var input = report.Input;
        var flagged = report.Accounts.Where(a => a.Verdict >= Verdict.Suspicious).ToList();
        var campaigns = report.Clusters.Where(c => c.Verdict >= Verdict.Suspicious).ToList();
        // Only what the page shows: flagged accounts and cluster members, never a second copy of every account.
        var byName = report.Accounts.Where(a => a.Cluster is not null).ToDictionary(a => a.Account, StringComparer.Ordinal);

        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        html.Append("<title>AntiDistill report: ").Append(Encode(logName)).Append("</title><style>").Append(Css).Append("</style></head><body><main>");
        html.Append("<header><h1>AntiDistill report</h1><p class=\"sub\">").Append(Encode(logName));
        if (input.FirstTs is { } first && input.LastTs is { } last)
        {
            html.Append(" · ").Append(Encode(Day(first))).Append(" to ").Append(Encode(Day(last))).Append(" UTC");
        }

        html.Append("</p></header>");

        html.Append("<section class=\"cards\">");
        Card(html, "records", input.Records, input.BadLines > 0 ? Invariant($"{input.BadLines:N0} bad lines skipped") : "no bad lines");
        Card(html, "accounts", input.Accounts, Invariant($"{report.Accounts.Sum(a => (long)a.Requests) / Math.Max(1.0, input.Accounts):N1} requests each on average"));
        Card(html, "flagged accounts", flagged.Count, Invariant($"{flagged.Count(a => a.Verdict == Verdict.Campaign):N0} campaign · {flagged.Count(a => a.Verdict == Verdict.Suspicious):N0} suspicious"), flagged.Count > 0 ? "alert" : null);
        Card(html, "flagged clusters", campaigns.Count, Invariant($"of {report.Clusters.Count:N0} clusters of linked accounts"), campaigns.Count > 0 ? "alert" : null);
        html.Append("</section>");

        html.Append("<section class=\"pair\"><figure><figcaption>Accounts by risk</figcaption>");
        HtmlCharts.RiskHistogram(html, report);
        html.Append("<p class=\"note\">Bars at or above ").Append(Number(report.Thresholds.Suspicious)).Append(" are suspicious, at or above ")
            .Append(Number(report.Thresholds.Campaign)).Append(" campaign. Log scale.</p></figure>");
        html.Append("<figure><figcaption>Cluster sizes</figcaption>");
        HtmlCharts.ClusterSizes(html, report);
        html.Append("<p class=\"note\">Accounts linked by shared payment, devices, networks, content or timing; colour is the cluster's verdict.</p></figure></section>");

        html.Append("<section><h2>Flagged traffic over time</h2><figure>");
        HtmlCharts.Timeline(html, report.Timeline);
        html.Append("<p class=\"note\"><span class=\"key\" style=\"background:").Append(HtmlCharts.Campaign).Append("\"></span>campaign <span class=\"key\" style=\"background:")
            .Append(HtmlCharts.Suspicious).Append("\"></span>suspicious <span class=\"key\" style=\"background:").Append(HtmlCharts.Organic)
            .Append("\"></span>organic: how the streaming engine rated each request when it was served. Red and amber are requests an online deployment would have caught; the top panel has its own scale.</p></figure></section>");

        html.Append("<section><h2>Campaigns</h2>");
        if (campaigns.Count == 0)
        {
            html.Append("<p class=\"empty\">No cluster of linked accounts was rated suspicious or worse.</p>");
        }

        foreach (var cluster in campaigns)
        {
            Campaign(html, cluster, byName);
        }

        html.Append("</section>");

        var lone = flagged.Where(a => a.Cluster is null).ToList();
        html.Append("<section><h2>Flagged accounts outside clusters</h2>");
        if (lone.Count == 0)
        {
            html.Append("<p class=\"empty\">None: every flagged account belongs to a cluster above.</p>");
        }
        else
        {
            AccountTable(html, lone.Take(LoneAccountsShown), showCluster: false);
            if (lone.Count > LoneAccountsShown)
            {
                html.Append("<p class=\"note\">").Append(Invariant($"{lone.Count - LoneAccountsShown:N0} more in the JSON report.")).Append("</p>");
            }
        }

        html.Append("</section><footer>");
        html.Append(Invariant($"{input.Lines:N0} lines, {input.Records:N0} records, {input.BadLines:N0} bad lines"));
        if (input.UnreadBodies > 0)
        {
            html.Append(Invariant($"; {input.UnreadBodies:N0} records had a body in no known format and were scored on timing and client attributes only"));
        }

        if (input.LateRecords > 0)
        {
            html.Append(Invariant($"; {input.LateRecords:N0} records arrived later than the reorder window and were replayed out of order"));
        }

        html.Append(". Written by <code>antidistill analyze</code>; the JSON report (schema <code>").Append(AnalysisReport.Schema).Append("</code>) has every account.</footer>");
        html.Append("</main></body></html>\n");

        using var writer = new StreamWriter(destination, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 64 * 1024, leaveOpen: true);
        writer.Write(html);
    }

    private static void Campaign(StringBuilder html, ClusterFinding cluster, Dictionary<string, AccountFinding> byName)
    {
        var members = cluster.Accounts.Select(name => byName[name]).OrderByDescending(a => a.Risk).ThenBy(a => a.Account, StringComparer.Ordinal).ToList();
        var flaggedAt = members.Where(m => m.FirstFlaggedRequest is not null).Select(m => m.FirstFlaggedRequest!.Value).Order().ToList();
        html.Append("<article class=\"campaign\"><header><h3>").Append(Encode(cluster.Id)).Append("</h3>");
        Badge(html, cluster.Verdict);
        html.Append("<span class=\"meta\">").Append(Invariant($"risk {cluster.Risk:0.00} · {cluster.Accounts.Count:N0} accounts · {cluster.Requests:N0} requests"));
        if (flaggedAt.Count > 0)
        {
            html.Append(Invariant($" · median account flagged at request {flaggedAt[flaggedAt.Count / 2]:N0}"));
        }

        html.Append("</span></header><div class=\"evidence\"><div><h4>Why linked</h4><ul class=\"chips\">");
        foreach (var evidence in cluster.Evidence)
        {
            html.Append("<li>").Append(Encode(evidence.Name.Replace('_', ' '))).Append(" <b>").Append(Invariant($"× {evidence.Links:N0}")).Append("</b></li>");
        }

        if (cluster.DistinctContent.LargestMember > 0)
        {
            html.Append("<li>distinct content <b>").Append(Invariant($"{cluster.DistinctContent.Cluster / cluster.DistinctContent.LargestMember:0.0}×")).Append("</b> the largest member's</li>");
        }

        if (cluster.SharedTemplateRisk > 0)
        {
            html.Append("<li>shared template's traffic scored alone <b>").Append(Invariant($"{cluster.SharedTemplateRisk:0.00}")).Append("</b></li>");
        }

        html.Append("</ul></div><div><h4>Why risky</h4>");
        SignalBars(html, cluster.Signals);
        html.Append("</div></div>");
        AccountTable(html, members.Take(MembersShown), showCluster: false);
        if (members.Count > MembersShown)
        {
            html.Append("<details><summary>").Append(Invariant($"{members.Count - MembersShown:N0} more accounts")).Append("</summary><p class=\"names\">");
            html.AppendJoin(", ", members.Skip(MembersShown).Select(m => Encode(m.Account)));
            html.Append("</p></details>");
        }

        html.Append("</article>");
    }

    private static void AccountTable(StringBuilder html, IEnumerable<AccountFinding> accounts, bool showCluster)
    {
        html.Append("<table><thead><tr><th>account</th><th class=\"n\">requests</th><th>risk</th><th>verdict</th><th class=\"n\">flagged at request</th><th>first flagged (UTC)</th>");
        html.Append(showCluster ? "<th>cluster</th>" : string.Empty).Append("<th>top signals</th></tr></thead><tbody>");
        foreach (var a in accounts)
        {
            html.Append("<tr><td class=\"name\">").Append(Encode(a.Account)).Append("</td><td class=\"n\">").Append(Invariant($"{a.Requests:N0}")).Append("</td><td>");
            RiskBar(html, a.Risk, a.Verdict);
            html.Append("</td><td>");
            Badge(html, a.Verdict);
            html.Append("</td><td class=\"n\">").Append(a.FirstFlaggedRequest is { } n ? Invariant($"{n:N0}") : "–").Append("</td><td>")
                .Append(a.FirstFlaggedTs is { } at ? Encode(JsonReportWriter.Timestamp(at)[..16].Replace('T', ' ')) : "–").Append("</td>");
            if (showCluster)
            {
                html.Append("<td>").Append(Encode(a.Cluster ?? "–")).Append("</td>");
            }

            html.Append("<td class=\"signals\">");
            html.AppendJoin(", ", a.Signals.Where(s => s.Contribution > 0).Take(3).Select(s => Encode(s.Name.Replace('_', ' '))));
            html.Append("</td></tr>");
        }

        html.Append("</tbody></table>");
    }

    private static void SignalBars(StringBuilder html, IReadOnlyList<SignalEntry> signals)
    {
        var shown = signals.Where(s => s.Contribution > 0).Take(6).ToList();
        if (shown.Count == 0)
        {
            html.Append("<p class=\"note\">No signal argues for harvesting.</p>");
            return;
        }

        double max = Math.Max(1e-6, shown.Max(s => s.Contribution));
        html.Append("<ul class=\"bars\">");
        foreach (var s in shown)
        {
            html.Append("<li><span class=\"label\">").Append(Encode(s.Name.Replace('_', ' '))).Append("</span><span class=\"track\"><span class=\"fill\" style=\"width:")
                .Append(Invariant($"{100 * s.Contribution / max:0}%")).Append("\"></span></span><span class=\"num\">")
                .Append(Invariant($"value {s.Value:0.00} · +{s.Contribution:0.00}")).Append("</span></li>");
        }

        html.Append("</ul>");
    }

    private static void RiskBar(StringBuilder html, double risk, Verdict verdict) =>
        html.Append("<span class=\"risk\"><span style=\"width:").Append(Invariant($"{risk * 100:0}%;background:{HtmlCharts.ColorOf(verdict)}"))
            .Append("\"></span></span> ").Append(Invariant($"{risk:0.00}"));

    private static void Badge(StringBuilder html, Verdict verdict) =>
        html.Append("<span class=\"badge ").Append(JsonReportWriter.VerdictName(verdict)).Append("\">").Append(JsonReportWriter.VerdictName(verdict)).Append("</span>");

    private static void Card(StringBuilder html, string label, long value, string detail, string? cls = null) =>
        html.Append("<div class=\"card ").Append(cls).Append("\"><div class=\"value\">").Append(Invariant($"{value:N0}")).Append("</div><div class=\"label\">")
            .Append(label).Append("</div><div class=\"detail\">").Append(Encode(detail)).Append("</div></div>");

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string Number(double value) => value.ToString("0.0#", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    private const string Css = """
        :root{--ink:#1f2933;--muted:#616e7c;--line:#e4e7eb;--bg:#f5f7fa;--campaign:#d1453b;--suspicious:#e3a21a;--organic:#6b8fb3}
        *{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
        main{max-width:1200px;margin:0 auto;padding:24px 28px 40px}
        h1{font-size:26px;margin:0}h2{font-size:19px;margin:28px 0 10px}h3{font-size:17px;margin:0}h4{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);margin:0 0 6px}
        .sub{color:var(--muted);margin:4px 0 18px}
        .cards{display:grid;grid-template-columns:repeat(4,1fr);gap:14px}
        .card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:14px 16px}
        .card .value{font-size:28px;font-weight:650}.card .label{font-weight:600}.card .detail{color:var(--muted);font-size:12px}
        .card.alert{border-left:5px solid var(--campaign)}
        .pair{display:grid;grid-template-columns:1fr 1fr;gap:14px;margin-top:14px}
        figure{margin:0;background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 14px}
        figcaption{font-weight:600;margin-bottom:6px}
        svg text{font-family:inherit}svg .axis{font-size:11px;fill:#7b8794}svg .value{font-size:10px;fill:#3e4c59}svg .label{font-size:11px;fill:#3e4c59}
        .note{color:var(--muted);font-size:12px;margin:6px 0 0}.empty{color:var(--muted)}
        .key{display:inline-block;width:10px;height:10px;border-radius:2px;margin:0 4px 0 10px;vertical-align:-1px}
        article.campaign{background:#fff;border:1px solid var(--line);border-left:5px solid var(--campaign);border-radius:8px;padding:14px 16px;margin:0 0 14px}
        article.campaign>header{display:flex;align-items:center;gap:10px;flex-wrap:wrap;margin-bottom:10px}.meta{color:var(--muted)}
        .evidence{display:grid;grid-template-columns:1fr 1.4fr;gap:18px;margin-bottom:10px}
        .chips{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:6px}.chips li{background:#eef2f7;border-radius:12px;padding:2px 10px;font-size:12px}
        .bars{list-style:none;margin:0;padding:0}.bars li{display:grid;grid-template-columns:150px 1fr 150px;align-items:center;gap:8px;font-size:12px;margin:2px 0}
        .track{background:#eef2f7;height:9px;border-radius:5px;overflow:hidden}.fill{display:block;height:100%;background:var(--campaign)}.num{color:var(--muted)}
        table{border-collapse:collapse;width:100%;background:#fff;font-size:13px}
        th{text-align:left;font-weight:600;color:var(--muted);font-size:12px;border-bottom:1px solid var(--line);padding:6px 8px}
        td{border-bottom:1px solid var(--line);padding:5px 8px;vertical-align:middle}.n{text-align:right;font-variant-numeric:tabular-nums}
        td.name{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px;word-break:break-all}td.signals{color:var(--muted);font-size:12px}
        .risk{display:inline-block;width:60px;height:8px;background:#eef2f7;border-radius:4px;overflow:hidden;vertical-align:middle}.risk span{display:block;height:100%}
        .badge{display:inline-block;vertical-align:middle;line-height:18px;border-radius:10px;padding:1px 9px;font-size:12px;font-weight:600;color:#fff}
        .badge.campaign{background:var(--campaign)}.badge.suspicious{background:var(--suspicious)}.badge.organic{background:var(--organic)}
        details{margin-top:8px}summary{cursor:pointer;color:var(--muted)}.names{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px;word-break:break-all}
        footer{margin-top:28px;color:var(--muted);font-size:12px}
        @media (max-width:900px){.cards{grid-template-columns:1fr 1fr}.pair,.evidence{grid-template-columns:1fr}}
        """;
}
