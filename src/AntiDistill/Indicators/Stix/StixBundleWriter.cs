using System.Globalization;
using System.Text.Json;

namespace AntiDistill;

/// <summary>
/// Writes an <see cref="IndicatorBundle"/> as a STIX 2.1 bundle: the producer's identity, the TLP 2.0 marking, and per
/// campaign a <c>campaign</c> (with AntiDistill's property extension), its <c>indicator</c>s and their <c>indicates</c>
/// relationships. Every bundle it writes validates against the official STIX 2.1 JSON schemas (StixBundleTests).
/// </summary>
/// <remarks>
/// AntiDistill's extension-definition travels beside the bundle, not in it (<see cref="WriteExtensionDefinition"/>,
/// published as <c>docs/indicators.extension-definition.json</c>; consumers know it by its fixed id): the official
/// <c>bundle.json</c> admits an object type it does not list only if it matches exactly one of <c>core</c> and
/// <c>cyber-observable-core</c>, and an extension-definition matches both, so no bundle carrying one validates.
/// </remarks>
public static class StixBundleWriter
{
    /// <summary>Writes the bundle as UTF-8 JSON, without indentation (a feed is read by machines; 100,000 indicators are a third smaller and load faster).</summary>
    public static void Write(IndicatorBundle bundle, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(destination);
        using var json = new Utf8JsonWriter(destination);
        Write(bundle, json);
    }

    /// <summary>The bundle as UTF-8 JSON bytes.</summary>
    public static byte[] ToUtf8(IndicatorBundle bundle)
    {
        using var stream = new MemoryStream();
        Write(bundle, stream);
        return stream.ToArray();
    }

    private static void Write(IndicatorBundle bundle, Utf8JsonWriter json)
    {
        string created = Timestamp(bundle.Created);
        string producer = StixIds.For("identity", bundle.Producer);
        string marking = StixIds.Marking(bundle.Tlp);
        json.WriteStartObject();
        json.WriteString("type", "bundle");
        json.WriteString("id", StixIds.For("bundle", bundle.Producer, created, bundle.Campaigns.Count.ToString(CultureInfo.InvariantCulture)));
        json.WriteStartArray("objects");

        json.WriteStartObject();
        json.WriteString("type", "marking-definition");
        json.WriteString("spec_version", "2.1");
        json.WriteString("id", marking);
        json.WriteString("created", StixIds.TlpCreated);
        json.WriteString("name", "TLP:" + StixIds.TlpName(bundle.Tlp).ToUpperInvariant());
        json.WriteStartObject("extensions");
        json.WriteStartObject(StixIds.TlpExtension);
        json.WriteString("extension_type", "property-extension");
        json.WriteString("tlp_2_0", StixIds.TlpName(bundle.Tlp));
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();

        Common(json, "identity", producer, created, producer, marking);
        json.WriteString("name", bundle.Producer);
        json.WriteString("identity_class", "organization");
        json.WriteEndObject();

        foreach (var campaign in bundle.Campaigns)
        {
            WriteCampaign(json, bundle, campaign, producer, marking, created);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>Writes AntiDistill's extension-definition (the x-antidistill-* pattern objects and the campaign property extension).</summary>
    public static void WriteExtensionDefinition(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var json = new Utf8JsonWriter(destination, new JsonWriterOptions { Indented = true });
        const string Created = "2026-04-01T00:00:00.000Z";
        string producer = StixIds.For("identity", "AntiDistill");
        json.WriteStartObject();
        json.WriteString("type", "extension-definition");
        json.WriteString("spec_version", "2.1");
        json.WriteString("id", StixIds.Extension);
        json.WriteString("created_by_ref", producer);
        json.WriteString("created", Created);
        json.WriteString("modified", Created);
        json.WriteString("name", "AntiDistill indicators");
        json.WriteString("description", "Prompt and client fingerprints of model-distillation campaigns (x-antidistill-prompt: opening_frame, closing_frame, system_prompt; x-antidistill-client: ja4), used in indicator patterns, and a campaign property extension: fingerprint_version, verdict, accounts, and what evidence was withheld and why.");
        json.WriteString("schema", StixIds.ExtensionSchema);
        json.WriteString("version", "1.0.0");
        json.WriteStartArray("extension_types");
        json.WriteStringValue("new-sco");
        json.WriteStringValue("property-extension");
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteCampaign(Utf8JsonWriter json, IndicatorBundle bundle, IndicatorCampaign campaign, string producer, string marking, string created)
    {
        string id = StixIds.For("campaign", bundle.Producer, campaign.Name);
        Common(json, "campaign", id, created, producer, marking);
        json.WriteString("name", campaign.Name);
        if (campaign.Description is { } description)
        {
            json.WriteString("description", description);
        }

        if (campaign.FirstSeen is { } first)
        {
            json.WriteString("first_seen", Timestamp(first));
        }

        if (campaign.LastSeen is { } last)
        {
            json.WriteString("last_seen", Timestamp(last));
        }

        json.WriteStartObject("extensions");
        json.WriteStartObject(StixIds.Extension);
        json.WriteString("extension_type", "property-extension");
        json.WriteString("fingerprint_version", PromptFingerprints.Version);
        if (campaign.Verdict is { } verdict)
        {
            json.WriteString("verdict", verdict);
        }

        json.WriteNumber("accounts", campaign.Accounts);
        json.WriteStartArray("withheld");
        foreach (var withheld in campaign.Withheld)
        {
            json.WriteStartObject();
            json.WriteString("what", withheld.What);
            json.WriteString("why", withheld.Why);
            json.WriteNumber("count", withheld.Count);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();

        foreach (var indicator in campaign.Indicators)
        {
            Common(json, "indicator", indicator.Id, created, producer, marking);
            json.WriteNumber("confidence", Math.Clamp(indicator.Confidence, 0, 100));
            json.WriteString("name", $"{IndicatorKindNames.GetName(indicator.Kind)} of {campaign.Name}");
            json.WriteStartArray("indicator_types");
            json.WriteStringValue("malicious-activity");
            json.WriteEndArray();
            json.WriteString("pattern", StixPatterns.For(indicator.Kind, indicator.Value));
            json.WriteString("pattern_type", "stix");
            json.WriteString("pattern_version", "2.1");
            json.WriteString("valid_from", Timestamp(indicator.ValidFrom));
            if (indicator.ValidUntil is { } until)
            {
                json.WriteString("valid_until", Timestamp(until));
            }

            json.WriteEndObject();

            Common(json, "relationship", StixIds.For("relationship", indicator.Id, id), created, producer, marking);
            json.WriteString("relationship_type", "indicates");
            json.WriteString("source_ref", indicator.Id);
            json.WriteString("target_ref", id);
            json.WriteEndObject();
        }
    }

    /// <summary>Opens an object with the common properties (left open for the type's own).</summary>
    private static void Common(Utf8JsonWriter json, string type, string id, string created, string producer, string marking)
    {
        json.WriteStartObject();
        json.WriteString("type", type);
        json.WriteString("spec_version", "2.1");
        json.WriteString("id", id);
        json.WriteString("created_by_ref", producer);
        json.WriteString("created", created);
        json.WriteString("modified", created);
        json.WriteStartArray("object_marking_refs");
        json.WriteStringValue(marking);
        json.WriteEndArray();
    }

    /// <summary>STIX timestamps: UTC, RFC 3339, millisecond precision.</summary>
    internal static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The id an indicator of this producer, kind and value gets: the same evidence exported twice keeps its id.</summary>
    public static string IndicatorId(string producer, IndicatorKind kind, string value) =>
        StixIds.For("indicator", producer, IndicatorKindNames.GetName(kind), value);
}
