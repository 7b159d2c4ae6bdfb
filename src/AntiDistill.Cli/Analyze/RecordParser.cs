using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using AntiDistill.Requests;

namespace AntiDistill.Cli.Analyze;

/// <summary>
/// Parses one request-log v1 line (see <c>shared/spec/request-log-v1.md</c>) into a <see cref="LogRecord"/>
/// with <see cref="Utf8JsonReader"/>: the body is located as a span of the line and handed to
/// <see cref="RequestBodyReader"/> as is, identities are hashed, the prompt's features extracted. No strings
/// are built except to explain a bad line. One instance per parsing thread.
/// </summary>
internal sealed class RecordParser
{
    private const int MaxPathChars = 256;
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 256 };

    private readonly IdentityCache _identities;
    private readonly RequestBodyReader _bodies;
    private readonly RequestContent _content = new();
    private readonly char[] _path = new char[MaxPathChars];
    private byte[] _prompt = new byte[4096];
    private byte[] _scratch = new byte[1024];

    public RecordParser(IdentityHasher hasher, RequestBodyReader? bodies = null)
    {
        _identities = new IdentityCache(hasher);
        _bodies = bodies ?? RequestBodyReader.Default;
    }

    /// <summary>Parses <paramref name="line"/>; returns null when <paramref name="record"/> holds a record, else why the line is bad.</summary>
    public string? Parse(ReadOnlySpan<byte> line, long lineNumber, LineBatch batch, ref LogRecord record)
    {
        record = default;
        record.Line = lineNumber;
        try
        {
            return ParseCore(line, batch, ref record);
        }
        catch (JsonException e)
        {
            return "invalid JSON: " + Describe(e);
        }
    }

    private string? ParseCore(ReadOnlySpan<byte> line, LineBatch batch, ref LogRecord record)
    {
        var reader = new Utf8JsonReader(line, ReaderOptions);
        if (!reader.Read())
        {
            return "empty line";
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return "not a JSON object";
        }

        bool hasTs = false;
        int nameLength = -1, bodyStart = -1, bodyEnd = -1, promptLength = -1, pathLength = 0;
        var client = default(ClientFields);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = FieldOf(ref reader);
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null)
            {
                continue;
            }

            switch (field)
            {
                case Field.Ts:
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return "ts must be a string";
                    }

                    if (!reader.TryGetDateTimeOffset(out var ts))
                    {
                        return "ts is not an RFC 3339 timestamp";
                    }

                    record.TimestampTicks = ts.UtcTicks;
                    hasTs = true;
                    break;
                case Field.Account:
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return "account must be a string";
                    }

                    var target = batch.ReserveName(reader.ValueSpan.Length);
                    nameLength = reader.ValueIsEscaped ? reader.CopyString(target) : Copy(reader.ValueSpan, target);
                    if (nameLength == 0)
                    {
                        return "account is empty";
                    }

                    if (!Utf8.IsValid(target[..nameLength]))
                    {
                        return "account is not valid UTF-8";
                    }

                    break;
                case Field.Body:
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        return "body must be an object";
                    }

                    bodyStart = (int)reader.TokenStartIndex;
                    reader.Skip();
                    bodyEnd = (int)reader.BytesConsumed;
                    break;
                case Field.Prompt:
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return "prompt must be a string";
                    }

                    promptLength = Unescape(ref reader, ref _prompt);
                    break;
                case Field.Path:
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return "path must be a string";
                    }

                    // An absurd path is no hint at all: the body's shape decides.
                    var path = StringValue(ref reader);
                    pathLength = path.Length <= MaxPathChars && Utf8.IsValid(path) ? Encoding.UTF8.GetChars(path, _path) : 0;
                    break;
                case Field.Asn:
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetUInt32(out uint asn))
                    {
                        return "asn must be a non-negative integer";
                    }

                    client.Asn = asn;
                    break;
                case Field.AccountCreated:
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return "account_created must be a string";
                    }

                    if (!reader.TryGetDateTimeOffset(out var created))
                    {
                        return "account_created is not an RFC 3339 timestamp";
                    }

                    client.AccountCreated = created;
                    break;
                case Field.InputTokens or Field.OutputTokens or Field.Status:
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out _))
                    {
                        return FieldName(field) + " must be an integer";
                    }

                    break;
                case Field.AsnOrg:
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return "asn_org must be a string";
                    }

                    break;
                case Field.Unknown:
                    reader.Skip();
                    break;
                default:
                    // The remaining fields are identifiers: hashed with the engine's key right away.
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return FieldName(field) + " must be a string";
                    }

                    client.Set(field, field == Field.Ip ? _identities.IpPrefix(StringValue(ref reader)) : _identities.Hash(StringValue(ref reader)));
                    break;
            }
        }

        // Anything after the object other than whitespace makes the reader throw: one object per line.
        while (reader.Read())
        {
        }

        if (!hasTs)
        {
            return "missing ts";
        }

        if (nameLength < 0)
        {
            return "missing account";
        }

        if (bodyStart < 0 && promptLength < 0)
        {
            return "neither body nor prompt";
        }

        var name = batch.ReserveName(nameLength);
        record.Account = new AccountId(_identities.Hash(name[..nameLength]));
        record.NameLength = nameLength;
        record.NameStart = batch.CommitName(nameLength);
        record.ApiKey = client.ApiKey;
        record.Organization = client.Organization;
        record.Client = client.ToAttributes();
        ReadPrompt(bodyStart < 0 ? default : line[bodyStart..bodyEnd], _path.AsSpan(0, pathLength), promptLength, ref record);
        return null;
    }

    /// <summary>The body when it is readable, else the <c>prompt</c> field, else nothing (timing and client still count).</summary>
    private void ReadPrompt(ReadOnlySpan<byte> body, ReadOnlySpan<char> path, int promptLength, ref LogRecord record)
    {
        var extractor = PromptFeatureExtractor.Default;
        if (!body.IsEmpty && _bodies.Read(body, path, _content) == RequestReadStatus.Ok)
        {
            record.Source = PromptSource.Body;
            record.ToolCount = _content.ToolCount;
            record.TurnCount = _content.TurnCount;
            record.MaxOutputTokens = _content.MaxOutputTokens;
            record.Reasoning = _content.ReasoningRequested;
            extractor.Extract(_content.Prompt, _content.SystemPrompt, _content.ToolCount, out record.Features);
            return;
        }

        record.Source = promptLength >= 0 ? PromptSource.PromptField : PromptSource.None;
        record.TurnCount = 1;
        extractor.Extract(_prompt.AsSpan(0, Math.Max(0, promptLength)), default, 0, out record.Features);
    }

    /// <summary>The unescaped bytes of the current string token (valid until the next call).</summary>
    private ReadOnlySpan<byte> StringValue(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan;
        }

        int length = Unescape(ref reader, ref _scratch);
        return _scratch.AsSpan(0, length);
    }

    private static int Unescape(ref Utf8JsonReader reader, ref byte[] buffer)
    {
        int length = reader.ValueSpan.Length;
        if (length > buffer.Length)
        {
            buffer = new byte[Math.Max(length, buffer.Length * 2)];
        }

        return reader.ValueIsEscaped ? reader.CopyString(buffer) : Copy(reader.ValueSpan, buffer);
    }

    private static int Copy(ReadOnlySpan<byte> source, Span<byte> target)
    {
        source.CopyTo(target);
        return source.Length;
    }

    private static string Describe(JsonException e)
    {
        // "... LineNumber: 0 | BytePositionInLine: 11." reads better as a byte offset within the line.
        return e.BytePositionInLine is { } position
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{FirstSentence(e.Message)} (at byte {position + 1})")
            : FirstSentence(e.Message);
    }

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut >= 0 ? message[..cut] : message).TrimEnd();
    }

    private enum Field
    {
        Unknown,
        Ts,
        Account,
        Body,
        Prompt,
        Path,
        Asn,
        AccountCreated,
        InputTokens,
        OutputTokens,
        Status,
        ApiKey,
        Org,
        Ip,
        AsnOrg,
        UserAgent,
        TlsFingerprint,
        Device,
        Payment,
        EmailDomain,
    }

    private static Field FieldOf(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped)
        {
            // Rare: compare unescaped (ValueTextEquals does) rather than the raw bytes.
            foreach (var (name, field) in Fields)
            {
                if (reader.ValueTextEquals(name))
                {
                    return field;
                }
            }

            return Field.Unknown;
        }

        var span = reader.ValueSpan;
        foreach (var (name, field) in Fields)
        {
            if (span.SequenceEqual(name))
            {
                return field;
            }
        }

        return Field.Unknown;
    }

    private static readonly (byte[] Name, Field Field)[] Fields =
    [
        ("ts"u8.ToArray(), Field.Ts),
        ("account"u8.ToArray(), Field.Account),
        ("body"u8.ToArray(), Field.Body),
        ("path"u8.ToArray(), Field.Path),
        ("ip"u8.ToArray(), Field.Ip),
        ("user_agent"u8.ToArray(), Field.UserAgent),
        ("payment"u8.ToArray(), Field.Payment),
        ("device"u8.ToArray(), Field.Device),
        ("tls_fingerprint"u8.ToArray(), Field.TlsFingerprint),
        ("asn"u8.ToArray(), Field.Asn),
        ("asn_org"u8.ToArray(), Field.AsnOrg),
        ("email_domain"u8.ToArray(), Field.EmailDomain),
        ("account_created"u8.ToArray(), Field.AccountCreated),
        ("api_key_id"u8.ToArray(), Field.ApiKey),
        ("org"u8.ToArray(), Field.Org),
        ("prompt"u8.ToArray(), Field.Prompt),
        ("input_tokens"u8.ToArray(), Field.InputTokens),
        ("output_tokens"u8.ToArray(), Field.OutputTokens),
        ("status"u8.ToArray(), Field.Status),
    ];

    private static string FieldName(Field field)
    {
        foreach (var (name, known) in Fields)
        {
            if (known == field)
            {
                return Encoding.UTF8.GetString(name);
            }
        }

        return "?";
    }

    /// <summary>The client attributes as they are read, in any order.</summary>
    private struct ClientFields
    {
        public ulong ApiKey;
        public ulong Organization;
        public ulong IpPrefix;
        public uint Asn;
        public ulong UserAgent;
        public ulong TlsFingerprint;
        public ulong Device;
        public ulong Payment;
        public ulong EmailDomain;
        public DateTimeOffset AccountCreated;

        public void Set(Field field, ulong hash)
        {
            switch (field)
            {
                case Field.ApiKey: ApiKey = hash; break;
                case Field.Org: Organization = hash; break;
                case Field.Ip: IpPrefix = hash; break;
                case Field.UserAgent: UserAgent = hash; break;
                case Field.TlsFingerprint: TlsFingerprint = hash; break;
                case Field.Device: Device = hash; break;
                case Field.Payment: Payment = hash; break;
                case Field.EmailDomain: EmailDomain = hash; break;
                default: break;
            }
        }

        public readonly ClientAttributes ToAttributes() => new()
        {
            IpPrefix = IpPrefix,
            Asn = Asn,
            UserAgent = UserAgent,
            TlsFingerprint = TlsFingerprint,
            Device = Device,
            Payment = Payment,
            EmailDomain = EmailDomain,
            AccountCreated = AccountCreated,
        };
    }
}
