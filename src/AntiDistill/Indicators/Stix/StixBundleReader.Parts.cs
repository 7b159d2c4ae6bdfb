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

        /// <summary>Reused by every object for its unescaped strings (<see cref="ObjectFields.Scratch"/>).</summary>
        public byte[] Scratch { get; } = new byte[16 * 1024];

        private readonly List<(byte[] Utf8, string Text)> _interned = [];

        /// <summary>An indicator as read, before it is tied to its campaign.</summary>
        public readonly record struct Entry(string Id, string? CreatedBy, IndicatorKind Kind, string Value, DateTimeOffset From, DateTimeOffset? Until, int Confidence);

        /// <summary>
        /// One string per distinct reference (a producer, a campaign: a few, each repeated on every indicator or
        /// relationship). Remembering only the last one made a new string at every switch, and a bundle alternates
        /// indicators (producer) with relationships (campaign): two strings and two arrays per indicator.
        /// </summary>
        public string Intern(ReadOnlySpan<byte> utf8)
        {
            foreach (var (bytes, text) in _interned)
            {
                if (utf8.SequenceEqual(bytes))
                {
                    return text;
                }
            }

            string made = System.Text.Encoding.UTF8.GetString(utf8);
            if (_interned.Count < 64) // a bundle of many campaigns still reads; past 64 the rest are not interned
            {
                _interned.Add((utf8.ToArray(), made));
            }

            return made;
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

        /// <summary>Where escaped strings of this object are unescaped to (a feed's patterns come with every quote escaped).</summary>
        public Span<byte> Scratch;
        private int _used;
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
        private bool Text(scoped ref Utf8JsonReader reader, out ReadOnlySpan<byte> value)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                value = default;
                return false;
            }

            if (!reader.ValueIsEscaped)
            {
                value = reader.ValueSpan;
                return true;
            }

            // Utf8JsonWriter's default encoder writes ' as \u0027, so every pattern of such a feed is escaped: unescaping
            // into the object's scratch instead of through a string and back was a fifth of loading 100,000 indicators.
            // The unescaped text is never longer than the escaped one.
            if (reader.ValueSpan.Length <= Scratch.Length - _used)
            {
                int length = reader.CopyString(Scratch[_used..]);
                value = Scratch.Slice(_used, length);
                _used += length;
                return true;
            }

            value = System.Text.Encoding.UTF8.GetBytes(reader.GetString()!);
            return true;
        }

        private DateTimeOffset Time(scoped ref Utf8JsonReader reader) =>
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
