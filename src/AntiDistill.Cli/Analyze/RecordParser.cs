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
    private byte[] _rest = new byte[256];

    public RecordParser(IdentityHasher hasher, RequestBodyReader? bodies = null, Indicators.ClearValues? clear = null)
    {
        _identities = new IdentityCache(hasher, clear);
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
        catch (InvalidOperationException e)
        {
            // Utf8JsonReader throws this, not JsonException, when unescaping a lone surrogate ("\ud800") in a name or value.
            return "invalid JSON: " + FirstSentence(e.Message);
        }
    }

    private string? ParseCore(ReadOnlySpan<byte> line, LineBatch batch, ref LogRecord record)
    {
        if (line.IndexOfAnyExcept(" \t\r\n"u8) < 0)
        {
            return "empty line";
        }

        var reader = new Utf8JsonReader(line, ReaderOptions);
        if (!reader.Read())
        {
            return "empty line";
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return "not a JSON object";
        }

        var fields = new LineFields { NameLength = -1, BodyStart = -1, PromptLength = -1 };
        string? error = ReadProperties(ref reader, batch, ref record, ref fields, afterBody: false);
        if (error is null && fields.BodyStart >= 0)
        {
            // The body is most of the line: cut it out by its brackets instead of skipping it token by token (it
            // is validated when it is read), and go on with a fresh reader over the few fields after it.
            fields.BodyEnd = JsonSpan.EndOfContainer(line, fields.BodyStart);
            if (fields.BodyEnd < 0)
            {
                return "invalid JSON: the body object does not close";
            }

            error = Continue(line[fields.BodyEnd..], out reader);
            error ??= ReadProperties(ref reader, batch, ref record, ref fields, afterBody: true);
        }

        // Anything after the object other than whitespace makes the reader throw: one object per line.
        error ??= ReadToEnd(ref reader, afterBody: fields.BodyStart >= 0);
        if (error is not null)
        {
            return error;
        }

        if (!fields.HasTs)
        {
            return "missing ts";
        }

        if (fields.NameLength < 0)
        {
            return "missing account";
        }

        if (fields.BodyStart < 0 && fields.PromptLength < 0)
        {
            return "neither body nor prompt";
        }

        var body = fields.BodyStart < 0 ? default : line[fields.BodyStart..fields.BodyEnd];
        error = ReadPrompt(body, _path.AsSpan(0, fields.PathLength), fields.PromptLength, ref record);
        if (error is not null)
        {
            return error;
        }

        var name = batch.ReserveName(fields.NameLength);
        record.Account = new AccountId(_identities.Hash(name[..fields.NameLength]));
        record.NameLength = fields.NameLength;
        record.NameStart = batch.CommitName(fields.NameLength);
        record.ApiKey = fields.Client.ApiKey;
        record.Organization = fields.Client.Organization;
        record.Client = fields.Client.ToAttributes();
        return null;
    }

    /// <summary>
    /// A reader over what follows the body, as an object of its own: <c>, "status": 200}</c> becomes
    /// <c>{ "status": 200}</c> (copied: it is a few dozen bytes), <c>}</c> becomes <c>{}</c>.
    /// </summary>
    private string? Continue(ReadOnlySpan<byte> rest, out Utf8JsonReader reader)
    {
        reader = default;
        int start = rest.IndexOfAnyExcept(" \t\r\n"u8);
        if (start < 0 || rest[start] is not ((byte)',' or (byte)'}'))
        {
            return "invalid JSON: expected ',' or '}' after the body";
        }

        bool more = rest[start] == (byte)',';
        var tail = more ? rest[(start + 1)..] : rest[start..];
        if (_rest.Length < tail.Length + 1)
        {
            _rest = new byte[Math.Max(tail.Length + 1, _rest.Length * 2)];
        }

        _rest[0] = (byte)'{';
        tail.CopyTo(_rest.AsSpan(1));
        reader = new Utf8JsonReader(_rest.AsSpan(0, tail.Length + 1), ReaderOptions);
        reader.Read();
        if (more && tail.IndexOfAnyExcept(" \t\r\n"u8) is int first && first >= 0 && tail[first] == (byte)'}')
        {
            return "invalid JSON: a comma before '}'";
        }

        return null;
    }

    /// <summary>Reads properties up to the end of the object, or (on the line's first reader) up to the body, which it leaves to the caller.</summary>
    private string? ReadProperties(ref Utf8JsonReader reader, LineBatch batch, ref LogRecord record, ref LineFields fields, bool afterBody)
    {
        try
        {
            return ReadPropertiesCore(ref reader, batch, ref record, ref fields, afterBody);
        }
        catch (JsonException e) when (afterBody)
        {
            return AfterBody(e);
        }
    }

    private static string? ReadToEnd(ref Utf8JsonReader reader, bool afterBody)
    {
        try
        {
            while (reader.Read())
            {
            }

            return null;
        }
        catch (JsonException e) when (afterBody)
        {
            return AfterBody(e);
        }
    }

    /// <summary>Byte positions of the reader after the body are not the line's: say where it was instead.</summary>
    private static string AfterBody(JsonException e) => "invalid JSON after the body: " + FirstSentence(e.Message);

    private string? ReadPropertiesCore(ref Utf8JsonReader reader, LineBatch batch, ref LogRecord record, ref LineFields fields, bool afterBody)
    {
        var client = fields.Client;
        try
        {
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
                        fields.HasTs = true;
                        break;
                    case Field.Account:
                        if (reader.TokenType != JsonTokenType.String)
                        {
                            return "account must be a string";
                        }

                        var target = batch.ReserveName(reader.ValueSpan.Length);
                        fields.NameLength = reader.ValueIsEscaped ? reader.CopyString(target) : Copy(reader.ValueSpan, target);
                        if (fields.NameLength == 0)
                        {
                            return "account is empty";
                        }

                        if (!Utf8.IsValid(target[..fields.NameLength]))
                        {
                            return "account is not valid UTF-8";
                        }

                        break;
                    case Field.Body:
                        if (reader.TokenType != JsonTokenType.StartObject)
                        {
                            return "body must be an object";
                        }

                        if (afterBody || fields.BodyStart >= 0)
                        {
                            return "body appears twice";
                        }

                        fields.BodyStart = (int)reader.TokenStartIndex;
                        return null;
                    case Field.Prompt:
                        if (reader.TokenType != JsonTokenType.String)
                        {
                            return "prompt must be a string";
                        }

                        fields.PromptLength = Unescape(ref reader, ref _prompt);
                        break;
                    case Field.Path:
                        if (reader.TokenType != JsonTokenType.String)
                        {
                            return "path must be a string";
                        }

                        // An absurd path is no hint at all: the body's shape decides.
                        var path = StringValue(ref reader);
                        fields.PathLength = path.Length <= MaxPathChars && Utf8.IsValid(path) ? Encoding.UTF8.GetChars(path, _path) : 0;
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
                    case Field.InputTokens or Field.OutputTokens or Field.ReasoningTokens or Field.Status:
                        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long count))
                        {
                            return FieldName(field) + " must be an integer";
                        }

                        // The served half of the exchange; negative counts read as 0, absurd ones as int.MaxValue.
                        int clamped = (int)Math.Clamp(count, 0, int.MaxValue);
                        switch (field)
                        {
                            case Field.InputTokens: record.Served.InputTokens = clamped; break;
                            case Field.OutputTokens: record.Served.OutputTokens = clamped; break;
                            case Field.ReasoningTokens: record.Served.ReasoningTokens = clamped; break;
                            default: record.Served.Status = (int)Math.Min(clamped, 999); break;
                        }

                        record.Served.Present = true;
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

                        client.Set(field, field switch
                        {
                            Field.Ip => _identities.IpPrefix(StringValue(ref reader)),
                            Field.UserAgent or Field.TlsFingerprint or Field.EmailDomain => _identities.HashShareable(StringValue(ref reader)),
                            _ => _identities.Hash(StringValue(ref reader)),
                        });
                        break;
                }
            }

            return null;
        }
        finally
        {
            fields.Client = client;
        }
    }

    /// <summary>
    /// The body when it is readable, else the <c>prompt</c> field, else nothing (timing and client still count).
    /// A body the reader declines is validated here, so malformed JSON is a bad line whichever reader ran.
    /// </summary>
    private string? ReadPrompt(ReadOnlySpan<byte> body, ReadOnlySpan<char> path, int promptLength, ref LogRecord record)
    {
        var extractor = PromptFeatureExtractor.Default;
        if (!body.IsEmpty)
        {
            if (_bodies.Read(body, path, _content) == RequestReadStatus.Ok)
            {
                record.Source = PromptSource.Body;
                record.ToolCount = _content.ToolCount;
                record.TurnCount = _content.TurnCount;
                record.MaxOutputTokens = _content.MaxOutputTokens;
                record.Reasoning = _content.ReasoningRequested;
                record.ContinuesConversation = _content.ContinuesConversation;
                record.Conversation = _content.Conversation;
                extractor.Extract(_content.Prompt, _content.SystemPrompt, _content.ToolCount, out record.Features);
                return null;
            }

            if (Validate(body) is { } error)
            {
                return "invalid JSON in body: " + error;
            }
        }

        record.Source = promptLength >= 0 ? PromptSource.PromptField : PromptSource.None;
        record.TurnCount = 1;
        extractor.Extract(_prompt.AsSpan(0, Math.Max(0, promptLength)), default, 0, out record.Features);
        return null;
    }

    private static string? Validate(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, ReaderOptions);
            reader.Read();
            reader.Skip();
            while (reader.Read())
            {
            }

            return null;
        }
        catch (JsonException e)
        {
            return FirstSentence(e.Message);
        }
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
        ReasoningTokens,
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
        ("reasoning_tokens"u8.ToArray(), Field.ReasoningTokens),
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

    /// <summary>What the line's fields said so far (the line is read by up to two readers: before and after the body).</summary>
    private struct LineFields
    {
        public bool HasTs;
        public int NameLength;
        public int BodyStart;
        public int BodyEnd;
        public int PromptLength;
        public int PathLength;
        public ClientFields Client;
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
