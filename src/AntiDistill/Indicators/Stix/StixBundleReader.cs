using System.Text.Json;

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
        var found = new Found();
        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 64 });
            ScanBundle(ref reader, found);
        }
        catch (JsonException e)
        {
            throw new StixFormatException($"not JSON: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            throw new StixFormatException($"not a STIX bundle: {e.Message}", e);
        }

        return Build(found);
    }

    /// <summary>
    /// One forward pass over the bundle with a <see cref="Utf8JsonReader"/>: a feed of 100,000 indicators is 200,000
    /// objects and about 110 MB, and building a document of it, then looking properties up by name, took most of the
    /// load (IndicatorBenchmarks.ReadAndCompile). Only campaigns, few and nested, are parsed into a document.
    /// </summary>
    private static void ScanBundle(ref Utf8JsonReader reader, Found found)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new StixFormatException("not a STIX bundle (not a JSON object).");
        }

        bool isBundle = false, hasObjects = false;
        string? bundleId = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                isBundle = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("bundle"u8);
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                bundleId = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("objects"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw new StixFormatException("the bundle has no \"objects\" array.");
                }

                hasObjects = true;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        throw new StixFormatException("a bundle object is not a JSON object.");
                    }

                    ScanObject(ref reader, found);
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        // Trailing content after the root object is not JSON.
        if (reader.Read())
        {
            throw new StixFormatException("not JSON: content after the bundle.");
        }

        if (!isBundle)
        {
            throw new StixFormatException("not a STIX bundle (no \"type\": \"bundle\").");
        }

        if (bundleId is null || !IsId(System.Text.Encoding.UTF8.GetBytes(bundleId), "bundle"u8))
        {
            throw new StixFormatException($"a bundle has no valid \"id\" ({bundleId ?? "missing"}).");
        }
        if (!hasObjects)
        {
            throw new StixFormatException("the bundle has no \"objects\" array.");
        }
    }

    /// <summary>Reads one object (the reader on its StartObject, left on its EndObject) into <paramref name="found"/>.</summary>
    private static void ScanObject(ref Utf8JsonReader reader, Found found)
    {
        var start = reader; // a copy: campaigns are read again as a document
        var f = new ObjectFields { Scratch = found.Scratch };
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueIsEscaped ? System.Text.Encoding.UTF8.GetBytes(reader.GetString()!) : reader.ValueSpan;
            reader.Read();
            if (!f.Set(name, ref reader))
            {
                reader.Skip();
            }
        }

        if (!f.HasType)
        {
            throw new StixFormatException("a bundle object has no \"type\".");
        }

        if (!IsId(f.Id, f.Type) || !f.HasId)
        {
            throw new StixFormatException($"a {Utf8(f.Type)} has no valid \"id\" ({(f.HasId ? Utf8(f.Id) : "missing")}).");
        }

        bool indicator = f.Type.SequenceEqual("indicator"u8), relationship = !indicator && f.Type.SequenceEqual("relationship"u8);
        bool identity = f.Type.SequenceEqual("identity"u8), campaign = f.Type.SequenceEqual("campaign"u8);
        if ((indicator || relationship || identity || campaign) && !f.SpecVersion21)
        {
            throw new StixFormatException($"{Utf8(f.Id)}: \"spec_version\" must be \"2.1\".");
        }

        if (indicator)
        {
            string id = Utf8(f.Id);
            Require(f.Created, id, "created");
            Require(f.Modified, id, "modified");
            if (!f.HasPattern || !f.HasPatternType)
            {
                throw new StixFormatException($"{id}: an indicator needs a \"pattern\" and a \"pattern_type\".");
            }

            var from = Require(f.ValidFrom, id, "valid_from");
            DateTimeOffset? until = f.ValidUntil is { } u ? Require(u, id, "valid_until") : null;

            // The pattern is read from its bytes: only the value it holds becomes a string.
            Span<char> chars = f.Pattern.Length <= 2048 ? stackalloc char[f.Pattern.Length] : new char[f.Pattern.Length];
            int length = System.Text.Encoding.UTF8.GetChars(f.Pattern, chars);
            if (!f.PatternType.SequenceEqual("stix"u8) || !StixPatterns.TryRead(chars[..length], out var kind, out string value))
            {
                found.Skipped++;
                return;
            }

            found.Indicators.Add(new Found.Entry(id, f.HasCreatedBy ? found.Intern(f.CreatedBy) : null, kind, value, from, until,
                f.Confidence is >= 0 and <= 100 ? f.Confidence.Value : 50));
        }
        else if (relationship)
        {
            if (!f.HasRelationshipType || !f.HasSourceRef || !f.HasTargetRef)
            {
                throw new StixFormatException($"{Utf8(f.Id)}: a relationship needs \"relationship_type\", \"source_ref\" and \"target_ref\".");
            }

            if (f.RelationshipType.SequenceEqual("indicates"u8) && f.SourceRef.StartsWith("indicator--"u8) && f.TargetRef.StartsWith("campaign--"u8))
            {
                found.Indicates.TryAdd(Utf8(f.SourceRef), found.Intern(f.TargetRef));
            }
        }
        else if (identity)
        {
            found.Identities[Utf8(f.Id)] = f.HasName ? Utf8(f.Name) : throw new StixFormatException($"{Utf8(f.Id)}: an identity needs a \"name\".");
        }
        else if (campaign)
        {
            string id = Utf8(f.Id);
            using var document = JsonDocument.ParseValue(ref start);
            var parts = ReadCampaign(document.RootElement, id);
            found.FingerprintsDeclared |= parts.Fingerprints == PromptFingerprints.Version;
            found.Campaigns[id] = parts;
        }
    }

    private static string Utf8(ReadOnlySpan<byte> text) => System.Text.Encoding.UTF8.GetString(text);

    /// <summary>
    /// A STIX identifier of the given type: <c>type--</c> then a UUID of version 1 to 5 and RFC 4122 variant (the
    /// schemas' pattern), checked by hand (a regular expression over 200,000 ids was a sixth of a large feed's load).
    /// </summary>
    private static bool IsId(ReadOnlySpan<byte> id, ReadOnlySpan<byte> type)
    {
        if (type.Length < 3 || id.Length != type.Length + 2 + 36 || !id.StartsWith(type) || id[type.Length] != '-' || id[type.Length + 1] != '-')
        {
            return false;
        }

        foreach (byte b in type)
        {
            if (!((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-'))
            {
                return false;
            }
        }

        if (type[0] is < (byte)'a' or > (byte)'z' || type[^1] == '-')
        {
            return false;
        }

        ReadOnlySpan<byte> uuid = id[(type.Length + 2)..];
        for (int i = 0; i < 36; i++)
        {
            byte b = uuid[i];
            bool dash = i is 8 or 13 or 18 or 23;
            if (dash ? b != '-' : !char.IsAsciiHexDigit((char)b))
            {
                return false;
            }
        }

        return uuid[14] is >= (byte)'1' and <= (byte)'5' && uuid[19] is (byte)'8' or (byte)'9' or (byte)'a' or (byte)'b' or (byte)'A' or (byte)'B';
    }

    private static DateTimeOffset Require(DateTimeOffset? at, string id, string name) =>
        at is { } value && value != DateTimeOffset.MinValue ? value : throw new StixFormatException($"{id}: \"{name}\" is required and must be a STIX timestamp.");

    private static IndicatorBundle Build(Found found)
    {
        var (identities, campaigns, indicators, indicates, fingerprintsDeclared) = (found.Identities, found.Campaigns, found.Indicators, found.Indicates, found.FingerprintsDeclared);
        int skipped = found.Skipped;
        var byCampaign = new Dictionary<string, List<Indicator>>(StringComparer.Ordinal);
        string? lastProducerRef = null, lastProducer = null;
        foreach (var (id, createdBy, kind, value, from, until, confidence) in indicators)
        {
            if (kind <= IndicatorKind.SystemPrompt && (!fingerprintsDeclared || !PromptFingerprints.TryParse(value, out _)))
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
                Producer = ReferenceEquals(createdBy, lastProducerRef) && lastProducer is not null ? lastProducer
                    : (lastProducer = createdBy is not null && identities.TryGetValue(lastProducerRef = createdBy, out string? name) ? name : "unknown"),
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
            FirstSeen = TimestampOf(item, id, "first_seen"),
            LastSeen = TimestampOf(item, id, "last_seen"),
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


    private static DateTimeOffset? TimestampOf(JsonElement item, string id, string name) =>
        item.TryGetProperty(name, out var value) ? Timestamp(value, id, name) : null;

    private static DateTimeOffset? Timestamp(JsonElement value, string id, string name)
    {
        if (value.ValueKind == JsonValueKind.Undefined)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String && value.GetString() is { } text && StixTimestamp.TryParse(System.Text.Encoding.UTF8.GetBytes(text), out var at))
        {
            return at;
        }

        throw new StixFormatException($"{id}: \"{name}\" is not a STIX timestamp.");
    }
}
