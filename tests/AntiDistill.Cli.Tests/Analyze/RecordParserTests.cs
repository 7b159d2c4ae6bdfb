using System.Text;
using AntiDistill.Cli.Analyze;
using FsCheck;
using FsCheck.Fluent;

namespace AntiDistill.Cli.Tests.Analyze;

public class RecordParserTests
{
    private const string Body = "{\"model\":\"m\",\"max_tokens\":9000,\"messages\":[{\"role\":\"user\",\"content\":\"Solve step by step: 2+2\"}]}";
    private readonly RecordParser _parser = new(new IdentityHasher(new byte[32]));
    private readonly LineBatch _batch = new();

    private string? Parse(string line, out LogRecord record)
    {
        record = default;
        _batch.Reset();
        return _parser.Parse(Encoding.UTF8.GetBytes(line), 1, _batch, ref record);
    }

    [Fact]
    public void Parse_BodyBetweenFields_ReadsBodyAndFieldsAfterIt()
    {
        string? error = Parse("{\"ts\":\"2026-04-06T10:00:00Z\",\"account\":\"a\\u0062c\",\"path\":\"/v1/messages\",\"body\":" + Body + " , \"ip\":\"203.0.113.7\",\"status\":200}", out var record);

        Assert.Null(error);
        Assert.Equal(PromptSource.Body, record.Source);
        Assert.Equal(9000, record.MaxOutputTokens);
        Assert.NotEqual(0UL, record.Client.IpPrefix);
        Assert.Equal("abc", Encoding.UTF8.GetString(_batch.NameOf(record)));
        Assert.Equal(new DateTimeOffset(2026, 4, 6, 10, 0, 0, TimeSpan.Zero).UtcTicks, record.TimestampTicks);
    }

    [Fact]
    public void Parse_SameRequestAsBodyOrPromptOrder_SameIdentityHashes()
    {
        Assert.Null(Parse("{\"ts\":\"2026-04-06T10:00:00+02:00\",\"account\":\"abc\",\"payment\":\"pm_1\",\"prompt\":\"hi\"}", out var first));
        Assert.Null(Parse("{\"prompt\":\"hi\",\"payment\":\"pm_1\",\"account\":\"abc\",\"ts\":\"2026-04-06T08:00:00Z\"}", out var second));

        Assert.Equal(first.Account, second.Account);
        Assert.Equal(first.Client.Payment, second.Client.Payment);
        Assert.Equal(first.TimestampTicks, second.TimestampTicks);
        Assert.Equal(PromptSource.PromptField, first.Source);
    }

    [Theory]
    [InlineData("", "empty line")]
    [InlineData("[]", "not a JSON object")]
    [InlineData("{\"account\":\"a\",\"prompt\":\"p\"}", "missing ts")]
    [InlineData("{\"ts\":\"2026-04-06T10:00:00Z\",\"prompt\":\"p\"}", "missing account")]
    [InlineData("{\"ts\":\"2026-04-06T10:00:00Z\",\"account\":\"a\"}", "neither body nor prompt")]
    [InlineData("{\"ts\":\"yesterday\",\"account\":\"a\",\"prompt\":\"p\"}", "ts is not an RFC 3339 timestamp")]
    [InlineData("{\"ts\":\"2026-04-06T10:00:00Z\",\"account\":\"\",\"prompt\":\"p\"}", "account is empty")]
    [InlineData("{\"ts\":\"2026-04-06T10:00:00Z\",\"account\":\"a\",\"prompt\":\"p\",\"asn\":-3}", "asn must be a non-negative integer")]
    [InlineData("{\"ts\":\"2026-04-06T10:00:00Z\",\"account\":\"a\",\"prompt\":\"p\",\"ip\":7}", "ip must be a string")]
    [InlineData("{\"ts\":\"2026-04-06T10:00:00Z\",\"account\":\"a\",\"body\":[1]}", "body must be an object")]
    [InlineData("{\"ts\":\"2026-04-06T10:00:00Z\",\"account\":\"a\",\"body\":{},\"body\":{}}", "body appears twice")]
    [InlineData("{\"ts\":\"2026-04-06T10:00:00Z\",\"account\":\"a\",\"body\":{\"x\":1},}", "invalid JSON: a comma before '}'")]
    [InlineData("{\"ts\":\"2026-04-06T10:00:00Z\",\"account\":\"a\",\"body\":{\"x\":1} \"y\":2}", "invalid JSON: expected ',' or '}' after the body")]
    [InlineData("{\"ts\":\"2026-04-06T10:00:00Z\",\"account\":\"a\",\"body\":{\"x\":[1,]}}", "invalid JSON in body")]
    [InlineData("{\"ts\":\"2026-04-06T10:00:00Z\",\"account\":\"a\",\"body\":{\"x\":\"}", "invalid JSON: the body object does not close")]
    [InlineData("{\"ts\":\"2026-04-06T10:00:00Z\",\"account\":\"a\",\"prompt\":\"p\"} {}", "invalid JSON")]
    [InlineData("{\"ts\":\"2026-04-06T10:00:00Z\",\"account\":\"a\",\"body\":{},\"status\":\"ok\"}", "status must be an integer")]
    public void Parse_BadLine_NamesTheReason(string line, string reason)
    {
        string? error = Parse(line, out _);

        Assert.NotNull(error);
        Assert.StartsWith(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NullFields_CountAsAbsent()
    {
        Assert.Null(Parse("{\"ts\":\"2026-04-06T10:00:00Z\",\"account\":\"a\",\"body\":null,\"prompt\":\"p\",\"ip\":null,\"asn\":null}", out var record));
        Assert.Equal(PromptSource.PromptField, record.Source);
        Assert.Equal(0UL, record.Client.IpPrefix);
    }

    [Fact]
    public void Parse_BodyInNoKnownFormat_RecordScoredWithoutPrompt()
    {
        Assert.Null(Parse("{\"ts\":\"2026-04-06T10:00:00Z\",\"account\":\"a\",\"body\":{\"weird\":{\"nested\":[1,2,\"}\"]}}}", out var record));
        Assert.Equal(PromptSource.None, record.Source);
    }

    [Theory]
    [InlineData("{\"ts\":\"2026-04-06T10:00:00Z\",\"account\":\"\\ud800\",\"prompt\":\"hi\"}")]
    [InlineData("{\"ts\":\"2026-04-06T10:00:00Z\",\"acc\\udc00unt\":\"a\",\"prompt\":\"hi\"}")]
    [InlineData("{\"ts\":\"2026-04-06T10:00:00Z\",\"account\":\"a\",\"ip\":\"\\ud800\",\"prompt\":\"hi\"}")]
    [InlineData("{\"ts\":\"2026-04-06T10:00:00Z\",\"account\":\"a\",\"prompt\":\"\\udfff x\"}")]
    public void Parse_EscapedLoneSurrogate_BadLineOrRecordNeverACrash(string line)
    {
        // System.Text.Json throws InvalidOperationException, not JsonException, when it must unescape a lone surrogate.
        var error = Record.Exception(() => Parse(line, out _));

        Assert.Null(error);
    }

    [Fact]
    public void Parse_InvalidUtf8Account_BadLine()
    {
        var line = Encoding.UTF8.GetBytes("{\"ts\":\"2026-04-06T10:00:00Z\",\"account\":\"a?\",\"prompt\":\"p\"}");
        line[Array.IndexOf(line, (byte)'?')] = 0xff;
        var record = default(LogRecord);

        Assert.Equal("account is not valid UTF-8", _parser.Parse(line, 1, _batch, ref record));
    }

    [FsCheck.Xunit.Property(MaxTest = 500)]
    public void Parse_ArbitraryBytes_NeverThrows(byte[] bytes)
    {
        var record = default(LogRecord);
        _batch.Reset();
        string? error = _parser.Parse(bytes ?? [], 1, _batch, ref record);
        Assert.True(error is null || error.Length > 0);
    }

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public void Parse_ValidLineCutAnywhere_IsABadLineNotACrash(PositiveInt cut)
    {
        string line = "{\"ts\":\"2026-04-06T10:00:00Z\",\"account\":\"a\",\"body\":" + Body + ",\"status\":200}";
        var bytes = Encoding.UTF8.GetBytes(line);
        int at = cut.Get % bytes.Length;
        var record = default(LogRecord);
        _batch.Reset();

        Assert.NotNull(_parser.Parse(bytes.AsSpan(0, at), 1, _batch, ref record));
    }

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public Property Parse_MutatedValidLine_RecordOrReasonAndAgreesWithSystemTextJson()
    {
        string line = "{\"ts\":\"2026-04-06T10:00:00Z\",\"account\":\"a\",\"body\":" + Body + ",\"status\":200}";
        var gen = from position in Gen.Choose(0, line.Length - 1)
                  from replacement in Gen.Elements("{", "}", "[", "]", "\"", "\\", ",", ":", " ", "x", "1")
                  select line[..position] + replacement + line[(position + 1)..];
        return Prop.ForAll(gen.ToArbitrary(), mutated =>
        {
            var record = default(LogRecord);
            _batch.Reset();
            var bytes = Encoding.UTF8.GetBytes(mutated);
            string? error = _parser.Parse(bytes, 1, _batch, ref record);
            if (!IsJson(bytes))
            {
                Assert.NotNull(error); // malformed JSON anywhere in the line, the body included, is a bad line
            }
        });
    }

    private static bool IsJson(byte[] bytes)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(bytes, new System.Text.Json.JsonDocumentOptions { MaxDepth = 256 });
            return true;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
