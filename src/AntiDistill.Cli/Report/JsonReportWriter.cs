using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace AntiDistill.Cli.Report;

/// <summary>
/// Writes report v1. The layout is fixed (field order, four-decimal numbers, UTC timestamps with
/// milliseconds, <c>\n</c> line ends), so the same findings give the same bytes on any machine. The document
/// is indented but each account, cluster and timeline bucket sits on one line: a 100,000-account report stays
/// a file one can grep and diff.
/// </summary>
internal static class JsonReportWriter
{
    private static readonly JsonWriterOptions Outer = new()
    {
        Indented = true,
        IndentSize = 2,
        NewLine = "\n",

        // The report is a file, never embedded in HTML: keep non-ASCII account names readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonWriterOptions Inner = Outer with { Indented = false };

    public static void Write(AnalysisReport report, Stream destination)
    {
        using var json = new Utf8JsonWriter(destination, Outer);
        var line = new ArrayBufferWriter<byte>(4096);
        using var inner = new Utf8JsonWriter(line, Inner);

        json.WriteStartObject();
        json.WriteString("schema", AnalysisReport.Schema);
        WriteInput(json, report.Input);
        json.WriteStartObject("thresholds");
        json.WriteNumber("suspicious", report.Thresholds.Suspicious);
        json.WriteNumber("campaign", report.Thresholds.Campaign);
        json.WriteEndObject();
        WriteSummary(json, report);

        json.WriteStartArray("accounts");
        foreach (var account in report.Accounts)
        {
            WriteLine(json, line, inner, account, WriteAccount);
        }

        json.WriteEndArray();
        json.WriteStartArray("clusters");
        foreach (var cluster in report.Clusters)
        {
            WriteLine(json, line, inner, cluster, WriteCluster);
        }

        json.WriteEndArray();
        WriteTimeline(json, line, inner, report.Timeline);
        json.WriteEndObject();
        json.Flush();
        destination.Write("\n"u8);
    }

    public static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string VerdictName(Verdict verdict) => verdict switch
    {
        Verdict.Campaign => "campaign",
        Verdict.Suspicious => "suspicious",
        _ => "organic",
    };

    private static void WriteLine<T>(Utf8JsonWriter json, ArrayBufferWriter<byte> line, Utf8JsonWriter inner, T value, Action<Utf8JsonWriter, T> write)
    {
        line.ResetWrittenCount();
        inner.Reset(line);
        write(inner, value);
        inner.Flush();
        json.WriteRawValue(line.WrittenSpan, skipInputValidation: true);
    }

    private static void WriteInput(Utf8JsonWriter json, ReportInput input)
    {
        json.WriteStartObject("input");
        json.WriteNumber("lines", input.Lines);
        json.WriteNumber("records", input.Records);
        json.WriteNumber("bad_lines", input.BadLines);
        json.WriteNumber("accounts", input.Accounts);
        WriteTimestamp(json, "first_ts", input.FirstTs);
        WriteTimestamp(json, "last_ts", input.LastTs);
        json.WriteNumber("bytes", input.Bytes);
        json.WriteBoolean("gzip", input.Compressed);
        json.WriteNumber("unread_bodies", input.UnreadBodies);
        json.WriteNumber("late_records", input.LateRecords);
        json.WriteBoolean("complete", input.Damage is null);
        if (input.Damage is not null)
        {
            json.WriteString("damage", input.Damage);
        }
        json.WriteEndObject();
    }

    private static void WriteSummary(Utf8JsonWriter json, AnalysisReport report)
    {
        int suspicious = 0, campaign = 0, flaggedClusters = 0;
        foreach (var account in report.Accounts)
        {
            suspicious += account.Verdict == Verdict.Suspicious ? 1 : 0;
            campaign += account.Verdict == Verdict.Campaign ? 1 : 0;
        }

        foreach (var cluster in report.Clusters)
        {
            flaggedClusters += cluster.Verdict >= Verdict.Suspicious ? 1 : 0;
        }

        json.WriteStartObject("summary");
        json.WriteNumber("flagged", suspicious + campaign);
        json.WriteNumber("suspicious", suspicious);
        json.WriteNumber("campaign", campaign);
        json.WriteNumber("clusters", report.Clusters.Count);
        json.WriteNumber("flagged_clusters", flaggedClusters);
        json.WriteEndObject();
    }

    private static void WriteAccount(Utf8JsonWriter json, AccountFinding account)
    {
        json.WriteStartObject();
        json.WriteString("account", account.Account);
        json.WriteNumber("requests", account.Requests);
        json.WriteNumber("risk", account.Risk);
        json.WriteString("verdict", VerdictName(account.Verdict));
        if (account.Cluster is null)
        {
            json.WriteNull("cluster");
        }
        else
        {
            json.WriteString("cluster", account.Cluster);
        }

        if (account.FirstFlaggedRequest is { } first)
        {
            json.WriteNumber("first_flagged_request", first);
        }
        else
        {
            json.WriteNull("first_flagged_request");
        }

        WriteTimestamp(json, "first_flagged_ts", account.FirstFlaggedTs);
        json.WriteNumber("account_risk", account.AccountRisk);
        json.WriteNumber("cluster_risk", account.ClusterRisk);
        WriteTimestamp(json, "first_ts", account.FirstTs);
        WriteTimestamp(json, "last_ts", account.LastTs);
        if (account.Evicted)
        {
            json.WriteBoolean("evicted", true);
        }

        WriteSignals(json, account.Signals);
        if (account.IndicatorMatch is { } match)
        {
            // Optional field (docs/indicators.md): which imported indicator explains the indicator_match signal.
            json.WriteStartObject("indicator_match");
            json.WriteString("id", match.Id);
            json.WriteString("producer", match.Producer);
            json.WriteString("kind", IndicatorKindNames.GetName(match.Kind));
            if (match.Campaign is { } campaign)
            {
                json.WriteString("campaign", campaign);
            }

            json.WriteEndObject();
        }

        WriteShareable(json, account.Shareable);
        json.WriteEndObject();
    }

    private static void WriteCluster(Utf8JsonWriter json, ClusterFinding cluster)
    {
        json.WriteStartObject();
        json.WriteString("id", cluster.Id);
        json.WriteStartArray("accounts");
        foreach (string account in cluster.Accounts)
        {
            json.WriteStringValue(account);
        }

        json.WriteEndArray();
        json.WriteNumber("size", cluster.Accounts.Count);
        json.WriteNumber("requests", cluster.Requests);
        json.WriteNumber("risk", cluster.Risk);
        json.WriteString("verdict", VerdictName(cluster.Verdict));
        WriteSignals(json, cluster.Signals);
        json.WriteStartArray("evidence");
        foreach (var evidence in cluster.Evidence)
        {
            json.WriteStartObject();
            json.WriteString("name", evidence.Name);
            json.WriteNumber("links", evidence.Links);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartObject("distinct_content");
        json.WriteNumber("cluster", cluster.DistinctContent.Cluster);
        json.WriteNumber("largest_member", cluster.DistinctContent.LargestMember);
        json.WriteEndObject();
        json.WriteNumber("shared_template_risk", cluster.SharedTemplateRisk); // extra field: report v1 readers ignore unknown ones
        json.WriteNumber("suspicious_members", cluster.SuspiciousMembers); // extra field, see LinkageOptions.CampaignMembers
        WriteShareable(json, cluster.Shareable);
        json.WriteEndObject();
    }

    /// <summary>Optional field (docs/indicators.md): unkeyed values another provider can recompute, with who carried them.</summary>
    private static void WriteShareable(Utf8JsonWriter json, IReadOnlyList<Indicators.ShareableEvidence> shareable)
    {
        if (shareable.Count == 0)
        {
            return;
        }

        json.WriteStartArray("shareable_evidence");
        foreach (var e in shareable)
        {
            json.WriteStartObject();
            json.WriteString("kind", IndicatorKindNames.GetName(e.Kind));
            json.WriteString("value", e.Value);
            json.WriteNumber("accounts", e.Accounts);
            json.WriteNumber("all_accounts", e.AllAccounts);
            json.WriteNumber("organic_accounts", e.OrganicAccounts);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteSignals(Utf8JsonWriter json, IReadOnlyList<SignalEntry> signals)
    {
        json.WriteStartArray("signals");
        foreach (var signal in signals)
        {
            json.WriteStartObject();
            json.WriteString("name", signal.Name);
            json.WriteNumber("value", signal.Value);
            json.WriteNumber("contribution", signal.Contribution);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteTimeline(Utf8JsonWriter json, ArrayBufferWriter<byte> line, Utf8JsonWriter inner, ReportTimeline timeline)
    {
        json.WriteStartObject("timeline");
        WriteTimestamp(json, "start", timeline.Start);
        json.WriteNumber("bucket_seconds", (long)timeline.Bucket.TotalSeconds);
        json.WriteStartArray("columns");
        json.WriteStringValue("organic");
        json.WriteStringValue("suspicious");
        json.WriteStringValue("campaign");
        json.WriteEndArray();
        json.WriteStartArray("buckets");
        foreach (var bucket in timeline.Buckets)
        {
            WriteLine(json, line, inner, bucket, static (w, b) =>
            {
                w.WriteStartArray();
                w.WriteNumberValue(b.Organic);
                w.WriteNumberValue(b.Suspicious);
                w.WriteNumberValue(b.Campaign);
                w.WriteEndArray();
            });
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteTimestamp(Utf8JsonWriter json, string name, DateTimeOffset? at)
    {
        if (at is { } value)
        {
            json.WriteString(name, Timestamp(value));
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
