using System.Text.Json;

namespace AntiDistill;

/// <summary>What the reader gathers while it scans a bundle: the scan's state, one object's fields, a campaign's parts.</summary>
public static partial class StixBundleReader
{
    /// <summary>What the scan gathered before the indicators are built.</summary>
    private sealed class Found
    {
        public Dictionary<string, string> Identities { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, CampaignParts> Campaigns { get; } = new(StringComparer.Ordinal);

        public List<Entry> Indicators { get; } = [];

        /// <summary>Indicators whose pattern the engine cannot evaluate.</summary>
        public int Skipped { get; set; }

        public Dictionary<string, string> Indicates { get; } = new(StringComparer.Ordinal);

        public bool FingerprintsDeclared { get; set; }

        private string _last = "";

        /// <summary>An indicator as read, before it is tied to its campaign.</summary>
        public readonly record struct Entry(string Id, string? CreatedBy, IndicatorKind Kind, string Value, DateTimeOffset From, DateTimeOffset? Until, int Confidence);
        private byte[] _lastUtf8 = [];

        /// <summary>The same reference (a producer, a campaign) repeats on every indicator: one string for consecutive equal values.</summary>
        public string Intern(ReadOnlySpan<byte> utf8)
        {
            if (!utf8.SequenceEqual(_lastUtf8))
            {
                _lastUtf8 = utf8.ToArray();
                _last = System.Text.Encoding.UTF8.GetString(utf8);
            }

            return _last;
        }
    }

    /// <summary>
    /// The properties of one object the reader uses, as UTF-8 spans into the input (strings are made only for what is
    /// kept: most of a large feed's ids, names and references are checked, not stored); a timestamp that is present but
    /// malformed reads as <see cref="DateTimeOffset.MinValue"/>.
    /// </summary>
    private ref struct ObjectFields
    {
        public ReadOnlySpan<byte> Type, Id, Name, Pattern, PatternType, CreatedBy, RelationshipType, SourceRef, TargetRef;
        public bool HasType, HasId, HasName, HasPattern, HasPatternType, HasCreatedBy, HasRelationshipType, HasSourceRef, HasTargetRef;
        public bool SpecVersion21;
        public DateTimeOffset? Created, Modified, ValidFrom, ValidUntil;
        public int? Confidence;

        /// <summary>Takes the value the reader is on if <paramref name="name"/> is a property the reader uses; false to skip it.</summary>
        public bool Set(scoped ReadOnlySpan<byte> name, scoped ref Utf8JsonReader reader)
        {
            switch (name.Length)
            {
                case 2 when name.SequenceEqual("id"u8):
                    HasId = Text(ref reader, out Id);
                    return true;
                case 4 when name.SequenceEqual("type"u8):
                    HasType = Text(ref reader, out Type);
                    return true;
                case 4 when name.SequenceEqual("name"u8):
                    HasName = Text(ref reader, out Name);
                    return true;
                case 7 when name.SequenceEqual("pattern"u8):
                    HasPattern = Text(ref reader, out Pattern);
                    return true;
                case 7 when name.SequenceEqual("created"u8):
                    Created = Time(ref reader);
                    return true;
                case 8 when name.SequenceEqual("modified"u8):
                    Modified = Time(ref reader);
                    return true;
                case 10 when name.SequenceEqual("valid_from"u8):
                    ValidFrom = Time(ref reader);
                    return true;
                case 10 when name.SequenceEqual("confidence"u8):
                    Confidence = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int confidence) ? confidence : null;
                    return true;
                case 10 when name.SequenceEqual("source_ref"u8):
                    HasSourceRef = Text(ref reader, out SourceRef);
                    return true;
                case 10 when name.SequenceEqual("target_ref"u8):
                    HasTargetRef = Text(ref reader, out TargetRef);
                    return true;
                case 11 when name.SequenceEqual("valid_until"u8):
                    ValidUntil = Time(ref reader);
                    return true;
                case 12 when name.SequenceEqual("spec_version"u8):
                    SpecVersion21 = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("2.1"u8);
                    return true;
                case 12 when name.SequenceEqual("pattern_type"u8):
                    HasPatternType = Text(ref reader, out PatternType);
                    return true;
                case 14 when name.SequenceEqual("created_by_ref"u8):
                    HasCreatedBy = Text(ref reader, out CreatedBy);
                    return true;
                case 17 when name.SequenceEqual("relationship_type"u8):
                    HasRelationshipType = Text(ref reader, out RelationshipType);
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>A string value's unescaped UTF-8 (the input itself unless it has escapes); false when the value is not a string.</summary>
        private static bool Text(scoped ref Utf8JsonReader reader, out ReadOnlySpan<byte> value)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                value = default;
                return false;
            }

            value = reader.ValueIsEscaped ? System.Text.Encoding.UTF8.GetBytes(reader.GetString()!) : reader.ValueSpan;
            return true;
        }

        private static DateTimeOffset Time(scoped ref Utf8JsonReader reader) =>
            Text(ref reader, out var text) && StixTimestamp.TryParse(text, out var at) ? at : DateTimeOffset.MinValue;
    }

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
