using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AntiDistill;

/// <summary>
/// Reads the indicators of a STIX 2.1 bundle. Any producer's bundle is accepted; of its indicators only those whose
/// pattern the engine can evaluate (the forms <see cref="StixBundleWriter"/> writes) are kept, the rest are counted in
/// <see cref="IndicatorBundle.SkippedPatterns"/>. Checks the structure the engine relies on (the properties STIX makes
/// required for bundles, indicators and relationships, identifier and timestamp forms) and throws
/// <see cref="StixFormatException"/> otherwise; full validation against the official JSON schemas is left to tests and
/// the CLI, so the engine does not depend on a JSON Schema library.
/// </summary>
public static partial class StixBundleReader
{
    /// <summary>Reads a bundle from UTF-8 JSON.</summary>
    /// <exception cref="StixFormatException">Not JSON, not a STIX 2.1 bundle, or an object lacks a required property.</exception>
    public static IndicatorBundle Read(ReadOnlySpan<byte> utf8)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 64 });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new StixFormatException($"not JSON: {e.Message}", e);
        }

        using (document)
        {
            return Read(document.RootElement);
        }
    }

    private static IndicatorBundle Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || Str(root, "type") != "bundle")
        {
            throw new StixFormatException("not a STIX bundle (no \"type\": \"bundle\").");
        }

        RequireId(root, "bundle");
        if (!root.TryGetProperty("objects", out var objects) || objects.ValueKind != JsonValueKind.Array)
        {
            throw new StixFormatException("the bundle has no \"objects\" array.");
        }

        var identities = new Dictionary<string, string>(StringComparer.Ordinal);
        var campaigns = new Dictionary<string, CampaignParts>(StringComparer.Ordinal);
        var indicators = new List<(string Id, string? CreatedBy, string Pattern, string PatternType, DateTimeOffset From, DateTimeOffset? Until, int Confidence)>();
        var indicates = new Dictionary<string, string>(StringComparer.Ordinal);
        bool fingerprintsDeclared = false;
        foreach (var item in objects.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new StixFormatException("a bundle object is not a JSON object.");
            }

            string type = Str(item, "type") ?? throw new StixFormatException("a bundle object has no \"type\".");
            string id = RequireId(item, type);
            if (type is "identity" or "campaign" or "indicator" or "relationship" && Str(item, "spec_version") != "2.1")
            {
                throw new StixFormatException($"{id}: \"spec_version\" must be \"2.1\".");
            }

            switch (type)
            {
                case "identity":
                    identities[id] = Str(item, "name") ?? throw new StixFormatException($"{id}: an identity needs a \"name\".");
                    break;
                case "campaign":
                    var parts = ReadCampaign(item, id);
                    fingerprintsDeclared |= parts.Fingerprints == PromptFingerprints.Version;
                    campaigns[id] = parts;
                    break;
                case "indicator":
                    RequireTimestamp(item, id, "created");
                    RequireTimestamp(item, id, "modified");
                    indicators.Add((
                        id,
                        Str(item, "created_by_ref"),
                        Str(item, "pattern") ?? throw new StixFormatException($"{id}: an indicator needs a \"pattern\"."),
                        Str(item, "pattern_type") ?? throw new StixFormatException($"{id}: an indicator needs a \"pattern_type\"."),
                        RequireTimestamp(item, id, "valid_from"),
                        Timestamp(item, id, "valid_until"),
                        item.TryGetProperty("confidence", out var c) && c.TryGetInt32(out int confidence) && confidence is >= 0 and <= 100 ? confidence : 50));
                    break;
                case "relationship":
                    string kind = Str(item, "relationship_type") ?? throw new StixFormatException($"{id}: a relationship needs a \"relationship_type\".");
                    string source = Str(item, "source_ref") ?? throw new StixFormatException($"{id}: a relationship needs a \"source_ref\".");
                    string target = Str(item, "target_ref") ?? throw new StixFormatException($"{id}: a relationship needs a \"target_ref\".");
                    if (kind == "indicates" && source.StartsWith("indicator--", StringComparison.Ordinal))
                    {
                        indicates.TryAdd(source, target);
                    }

                    break;
            }
        }

        int skipped = 0;
        var byCampaign = new Dictionary<string, List<Indicator>>(StringComparer.Ordinal);
        foreach (var (id, createdBy, pattern, patternType, from, until, confidence) in indicators)
        {
            if (patternType != "stix" || !StixPatterns.TryRead(pattern, out var kind, out string value)
                || (kind <= IndicatorKind.SystemPrompt && (!fingerprintsDeclared || !PromptFingerprints.TryParse(value, out _))))
            {
                skipped++;
                continue;
            }

            string campaignId = indicates.GetValueOrDefault(id) ?? "";
            string? campaignName = campaigns.TryGetValue(campaignId, out var campaign) ? campaign.Name : null;
            if (!byCampaign.TryGetValue(campaignId, out var list))
            {
                byCampaign[campaignId] = list = [];
            }

            list.Add(new Indicator
            {
                Id = id,
                Producer = createdBy is not null && identities.TryGetValue(createdBy, out string? name) ? name : "unknown",
                Kind = kind,
                Value = value,
                Confidence = confidence,
                ValidFrom = from,
                ValidUntil = until,
                Campaign = campaignName,
            });
        }

        var result = new List<IndicatorCampaign>();
        foreach (var (campaignId, parts) in campaigns)
        {
            result.Add(parts.ToCampaign(byCampaign.GetValueOrDefault(campaignId) ?? []));
            byCampaign.Remove(campaignId);
        }

        foreach (var (_, list) in byCampaign)
        {
            result.Add(new IndicatorCampaign { Name = "(no campaign)", Indicators = list });
        }

        return new IndicatorBundle
        {
            Producer = identities.Count > 0 ? identities.Values.First() : "unknown",
            Campaigns = result,
            SkippedPatterns = skipped,
        };
    }

    private static CampaignParts ReadCampaign(JsonElement item, string id)
    {
        string name = Str(item, "name") ?? throw new StixFormatException($"{id}: a campaign needs a \"name\".");
        var parts = new CampaignParts
        {
            Name = name,
            Description = Str(item, "description"),
            FirstSeen = Timestamp(item, id, "first_seen"),
            LastSeen = Timestamp(item, id, "last_seen"),
        };
        if (item.TryGetProperty("extensions", out var extensions) && extensions.ValueKind == JsonValueKind.Object
            && extensions.TryGetProperty(StixIds.Extension, out var ours) && ours.ValueKind == JsonValueKind.Object)
        {
            parts.Fingerprints = Str(ours, "fingerprint_version");
            parts.Verdict = Str(ours, "verdict");
            parts.Accounts = ours.TryGetProperty("accounts", out var a) && a.TryGetInt32(out int accounts) ? accounts : 0;
            if (ours.TryGetProperty("withheld", out var withheld) && withheld.ValueKind == JsonValueKind.Array)
            {
                foreach (var w in withheld.EnumerateArray())
                {
                    if (w.ValueKind == JsonValueKind.Object && Str(w, "what") is { } what)
                    {
                        parts.Withheld.Add(new WithheldEvidence(what, Str(w, "why") ?? "", w.TryGetProperty("count", out var n) && n.TryGetInt32(out int count) ? count : 0));
                    }
                }
            }
        }

        return parts;
    }

    private static string? Str(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string RequireId(JsonElement item, string type)
    {
        string? id = Str(item, "id");
        if (id is null || !Identifier().IsMatch(id) || !id.StartsWith(type + "--", StringComparison.Ordinal))
        {
            throw new StixFormatException($"a {type} has no valid \"id\" ({id ?? "missing"}).");
        }

        return id;
    }

    private static DateTimeOffset RequireTimestamp(JsonElement item, string id, string name) =>
        Timestamp(item, id, name) ?? throw new StixFormatException($"{id}: \"{name}\" is required.");

    private static DateTimeOffset? Timestamp(JsonElement item, string id, string name)
    {
        if (!item.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String || !TimestampForm().IsMatch(value.GetString()!)
            || !DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            throw new StixFormatException($"{id}: \"{name}\" is not a STIX timestamp.");
        }

        return at;
    }

    [GeneratedRegex("^[a-z][a-z0-9-]+[a-z0-9]--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$")]
    private static partial Regex TimestampForm();

    private sealed class CampaignParts
    {
        public required string Name { get; init; }

        public string? Description { get; init; }

        public DateTimeOffset? FirstSeen { get; init; }

        public DateTimeOffset? LastSeen { get; init; }

        public string? Fingerprints { get; set; }

        public string? Verdict { get; set; }

        public int Accounts { get; set; }

        public List<WithheldEvidence> Withheld { get; } = [];

        public IndicatorCampaign ToCampaign(IReadOnlyList<Indicator> indicators) => new()
        {
            Name = Name,
            Description = Description,
            FirstSeen = FirstSeen,
            LastSeen = LastSeen,
            Verdict = Verdict,
            Accounts = Accounts,
            Withheld = Withheld,
            Indicators = indicators,
        };
    }
}
