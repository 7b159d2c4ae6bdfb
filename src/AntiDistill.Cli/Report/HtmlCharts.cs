using System.Globalization;
using System.Text;

namespace AntiDistill.Cli.Report;

/// <summary>Inline SVG charts for the HTML report: no script, no network, plain shapes a browser draws as is.</summary>
internal static class HtmlCharts
{
    public const string Organic = "#6b8fb3";
    public const string Suspicious = "#e3a21a";
    public const string Campaign = "#d1453b";

    public static string ColorOf(Verdict verdict) => verdict switch
    {
        Verdict.Campaign => Campaign,
        Verdict.Suspicious => Suspicious,
        _ => Organic,
    };

    /// <summary>Accounts per risk bin (20 bins), on a log scale so a handful of campaign accounts still shows beside thousands of organic ones.</summary>
    public static void RiskHistogram(StringBuilder html, AnalysisReport report)
    {
        const int Bins = 20, Width = 560, Height = 260, Left = 44, Bottom = 36, Top = 16;
        var counts = new int[Bins];
        foreach (var account in report.Accounts)
        {
            counts[Math.Clamp((int)(account.Risk * Bins), 0, Bins - 1)]++;
        }

        int max = Math.Max(1, counts.Max());
        double decades = Math.Max(1, Math.Ceiling(Math.Log10(max + 1)));
        double plotHeight = Height - Bottom - Top, barWidth = (Width - Left - 8) / (double)Bins;
        double Y(int count) => count == 0 ? 0 : Math.Log10(count + 1) / decades * plotHeight;

        Open(html, Width, Height, "Accounts by final risk (log scale)");
        for (int d = 0; d <= decades; d++)
        {
            double y = Height - Bottom - (d / decades * plotHeight);
            Line(html, Left, y, Width - 8, y, "#e4e7eb");
            Text(html, Left - 6, y + 4, Pow10(d), "end", "axis");
        }

        for (int i = 0; i < Bins; i++)
        {
            double low = (double)i / Bins;
            var verdict = low >= report.Thresholds.Campaign ? Verdict.Campaign : low >= report.Thresholds.Suspicious ? Verdict.Suspicious : Verdict.Organic;
            double h = Y(counts[i]), x = Left + (i * barWidth) + 1;
            Rect(html, x, Height - Bottom - h, barWidth - 2, h, ColorOf(verdict), FormattableString.Invariant($"risk {low:0.00}–{low + (1.0 / Bins):0.00}: {counts[i]:N0} accounts"));
            if (counts[i] > 0)
            {
                Text(html, x + ((barWidth - 2) / 2), Height - Bottom - h - 4, counts[i].ToString("N0", CultureInfo.InvariantCulture), "middle", "value");
            }
        }

        for (int i = 0; i <= Bins; i += 4)
        {
            Text(html, Left + (i * barWidth), Height - Bottom + 16, ((double)i / Bins).ToString("0.0", CultureInfo.InvariantCulture), "middle", "axis");
        }

        Text(html, Left + ((Width - Left) / 2.0), Height - 4, "risk", "middle", "axis");
        html.Append("</svg>");
    }

    /// <summary>The largest clusters as horizontal bars, coloured by verdict.</summary>
    public static void ClusterSizes(StringBuilder html, AnalysisReport report, int shown = 16)
    {
        var clusters = report.Clusters.OrderByDescending(c => c.Accounts.Count).ThenByDescending(c => c.Risk).ThenBy(c => c.Id, StringComparer.Ordinal).Take(shown).ToList();
        const int Width = 560, Row = 18, Left = 64, Right = 150;
        int height = Math.Max(60, (clusters.Count * Row) + 24);
        Open(html, Width, height, "Cluster sizes (accounts), largest first");
        if (clusters.Count == 0)
        {
            Text(html, Width / 2.0, 36, "no clusters: no two accounts were linked", "middle", "axis");
        }

        int max = clusters.Count == 0 ? 1 : clusters[0].Accounts.Count;
        for (int i = 0; i < clusters.Count; i++)
        {
            var c = clusters[i];
            double y = 8 + (i * Row), w = Math.Max(2, (Width - Left - Right) * (double)c.Accounts.Count / max);
            Text(html, Left - 6, y + 12, c.Id, "end", "label");
            Rect(html, Left, y + 2, w, Row - 5, ColorOf(c.Verdict), FormattableString.Invariant($"{c.Id}: {c.Accounts.Count:N0} accounts, risk {c.Risk:0.00}"));
            Text(html, Left + w + 6, y + 12, string.Create(CultureInfo.InvariantCulture, $"{c.Accounts.Count:N0} accounts · risk {c.Risk:0.00}"), "start", "value");
        }

        html.Append("</svg>");
    }

    /// <summary>
    /// Two panels on one time axis: flagged requests (campaign and suspicious, as the streaming engine rated each
    /// when it was served) on their own scale, so a campaign shows even when organic traffic dwarfs it, and all
    /// requests below for context.
    /// </summary>
    public static void Timeline(StringBuilder html, ReportTimeline timeline)
    {
        const int Width = 1140, Left = 56, Right = 8, FlaggedTop = 20, FlaggedHeight = 150, AllTop = 206, AllHeight = 70, Height = 316;
        Open(html, Width, Height, "Flagged requests and all requests over time");
        int n = timeline.Buckets.Count;
        if (n == 0 || timeline.Start is not { } start)
        {
            Text(html, Width / 2.0, Height / 2.0, "no records", "middle", "axis");
            html.Append("</svg>");
            return;
        }

        double barWidth = (Width - Left - Right) / (double)n;
        Text(html, Left, FlaggedTop - 8, "flagged requests", "start", "label");
        Text(html, Left, AllTop - 8, "all requests", "start", "label");
        long flaggedTop = Axis(html, timeline.Buckets.Max(b => b.Suspicious + b.Campaign), FlaggedTop, FlaggedHeight, Left, Width - Right, ticks: 4);
        long allTop = Axis(html, timeline.Buckets.Max(b => b.Organic + b.Suspicious + b.Campaign), AllTop, AllHeight, Left, Width - Right, ticks: 2);
        for (int i = 0; i < n; i++)
        {
            var (organic, suspicious, campaign) = timeline.Buckets[i];
            double x = Left + (i * barWidth), w = Math.Max(1, barWidth - (barWidth > 4 ? 1 : 0));
            string tip = string.Create(CultureInfo.InvariantCulture,
                $"{JsonReportWriter.Timestamp(start + (timeline.Bucket * i))}: {campaign:N0} campaign, {suspicious:N0} suspicious, {organic:N0} organic");
            Stack(html, x, w, FlaggedTop + FlaggedHeight, FlaggedHeight, flaggedTop, tip, (campaign, Campaign), (suspicious, Suspicious));
            Stack(html, x, w, AllTop + AllHeight, AllHeight, allTop, tip, (campaign, Campaign), (suspicious, Suspicious), (organic, Organic));
        }

        int labels = Math.Min(n, 8);
        for (int k = 0; k < labels; k++)
        {
            int i = (int)((long)k * n / labels);
            var at = (start + (timeline.Bucket * i)).UtcDateTime;
            string label = timeline.Bucket >= TimeSpan.FromDays(1) ? at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : at.ToString("MM-dd HH:mm", CultureInfo.InvariantCulture);
            Line(html, Left + (i * barWidth), AllTop + AllHeight, Left + (i * barWidth), AllTop + AllHeight + 4, "#9aa5b1");
            Text(html, Left + (i * barWidth), AllTop + AllHeight + 17, label, "start", "axis");
        }

        Text(html, Width - Right, Height - 4, "UTC, one bar = " + Describe(timeline.Bucket), "end", "axis");
        html.Append("</svg>");
    }

    /// <summary>Grid lines and labels for a panel; returns the value at its top.</summary>
    private static long Axis(StringBuilder html, long max, double top, double height, double left, double right, int ticks)
    {
        long step = NiceStep(Math.Max(1, max), ticks);
        long axisTop = Math.Max(step, ((Math.Max(1, max) + step - 1) / step) * step);
        for (long v = 0; v <= axisTop; v += step)
        {
            double y = top + height - (v / (double)axisTop * height);
            Line(html, left, y, right, y, "#e4e7eb");
            Text(html, left - 6, y + 4, v.ToString("N0", CultureInfo.InvariantCulture), "end", "axis");
        }

        return axisTop;
    }

    private static void Stack(StringBuilder html, double x, double w, double bottom, double height, long top, string tip, params ReadOnlySpan<(long Count, string Color)> parts)
    {
        double y = bottom;
        foreach (var (count, color) in parts)
        {
            if (count > 0)
            {
                double h = Math.Max(0.5, count / (double)top * height);
                y -= h;
                Rect(html, x, y, w, h, color, tip);
            }
        }
    }

    private static string Describe(TimeSpan bucket) =>
        bucket >= TimeSpan.FromDays(1) ? FormattableString.Invariant($"{bucket.TotalDays:0.#} d")
        : bucket >= TimeSpan.FromHours(1) ? FormattableString.Invariant($"{bucket.TotalHours:0.#} h")
        : FormattableString.Invariant($"{bucket.TotalMinutes:0.#} min");

    private static long NiceStep(long max, int ticks)
    {
        double raw = max / (double)ticks;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(Math.Max(1, raw))));
        double step = raw / magnitude <= 1 ? 1 : raw / magnitude <= 2 ? 2 : raw / magnitude <= 5 ? 5 : 10;
        return Math.Max(1, (long)(step * magnitude));
    }

    private static string Pow10(int exponent) => Math.Pow(10, exponent).ToString("N0", CultureInfo.InvariantCulture);

    private static void Open(StringBuilder html, int width, int height, string label) =>
        html.Append(CultureInfo.InvariantCulture, $"<svg viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\" aria-label=\"{HtmlReportWriter.Encode(label)}\" xmlns=\"http://www.w3.org/2000/svg\">");

    private static void Rect(StringBuilder html, double x, double y, double w, double h, string color, string title) =>
        html.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x:0.#}\" y=\"{y:0.#}\" width=\"{w:0.##}\" height=\"{h:0.#}\" fill=\"{color}\"><title>{HtmlReportWriter.Encode(title)}</title></rect>");

    private static void Line(StringBuilder html, double x1, double y1, double x2, double y2, string color) =>
        html.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x1:0.#}\" y1=\"{y1:0.#}\" x2=\"{x2:0.#}\" y2=\"{y2:0.#}\" stroke=\"{color}\"/>");

    private static void Text(StringBuilder html, double x, double y, string text, string anchor, string cls) =>
        html.Append(CultureInfo.InvariantCulture, $"<text x=\"{x:0.#}\" y=\"{y:0.#}\" text-anchor=\"{anchor}\" class=\"{cls}\">{HtmlReportWriter.Encode(text)}</text>");
}
