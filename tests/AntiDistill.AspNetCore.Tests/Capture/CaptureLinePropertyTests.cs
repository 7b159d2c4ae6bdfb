using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using AntiDistill.Cli.Analyze;
using AntiDistill.Requests;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace AntiDistill.AspNetCore.Tests.Capture;

/// <summary>
/// Whatever a client sends, the captured line reads back through the analyzer's own line reader as what the middleware
/// saw: the same timestamp, hashes, served half, and the same features from the same body.
/// </summary>
public class CaptureLinePropertyTests
{
    private static readonly IdentityHasher Hasher = new("capture-property-key-16+"u8);

    /// <summary>Text with what breaks naive writers: control characters, quotes, backslashes, lone and paired surrogates, line separators.</summary>
    private static readonly string[] Pieces = ["\"", "\\", "\n", "\r", "\t", "\0", "\u001f", "\u007f", "\ud800", "\udfff", "\ud83d\ude00", "\u2028", "é", "中", "{\"x\":[1]}", "solve step by step "];

    public static Arbitrary<Captured> Records() =>
        (from prompt in Text()
         from system in Text()
         from path in Gen.OneOf(Gen.Elements("/v1/chat/completions", "/v1/messages", ""), Text())
         from ms in Gen.Choose(0, int.MaxValue)
         from hashes in ArbMap.Default.GeneratorFor<ulong>().ArrayOf(8)
         from served in ArbMap.Default.GeneratorFor<bool>()
         from tokens in Gen.Choose(0, 1_000_000).ArrayOf(3)
         from status in Gen.Choose(100, 599)
         from pretty in ArbMap.Default.GeneratorFor<bool>()
         select new Captured(prompt, system, path, 1_700_000_000_000L + ms, hashes, served, tokens, status, pretty)).ToArbitrary();

    private static Gen<string> Text() =>
        Gen.OneOf(ArbMap.Default.GeneratorFor<char>().Select(c => c.ToString()), Gen.Elements(Pieces)).ListOf().Select(p => string.Concat(p));

    [Property(Arbitrary = [typeof(CaptureLinePropertyTests)], MaxTest = 300)]
    public void TryWrite_AnyRecord_AnalyzerReadsWhatMiddlewareSaw(Captured captured)
    {
        var record = captured.ToRecord();
        using var line = new CaptureLine();
        Assert.True(line.TryWrite(record, retainPrompts: true));
        byte[] written = line.Written.ToArray();
        Assert.DoesNotContain((byte)'\n', written); // one record, one line

        var batch = new LineBatch();
        var parsed = default(LogRecord);
        string? error = new RecordParser(Hasher).Parse(written, 1, batch, ref parsed);

        Assert.Null(error);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(captured.TimestampMs).UtcTicks, parsed.TimestampTicks);
        Assert.Equal(Rehash(record.Account), parsed.Account.Value);
        Assert.Equal(Rehash(record.ApiKey), parsed.ApiKey);
        Assert.Equal(Rehash(record.Client.Payment), parsed.Client.Payment);
        Assert.Equal(record.Client.IpPrefix != 0, parsed.Client.IpPrefix != 0);
        Assert.Equal(captured.Served, parsed.Served.Present);
        if (captured.Served)
        {
            Assert.Equal((record.Status, record.InputTokens, record.OutputTokens, record.ReasoningTokens),
                (parsed.Served.Status, parsed.Served.InputTokens, parsed.Served.OutputTokens, parsed.Served.ReasoningTokens));
        }

        // What the middleware read from the body and the path, the analyzer reads from the line.
        var content = new RequestContent();
        var reader = new RequestBodyReader(RequestBodyReader.BuiltInFormats());
        Assert.Equal(RequestReadStatus.Ok, reader.Read(record.BodySpan, captured.Path, content));
        PromptFeatureExtractor.Default.Extract(content.Prompt, content.SystemPrompt, content.ToolCount, out var features);
        Assert.Equal(PromptSource.Body, parsed.Source);
        Assert.Equal((content.TurnCount, content.ToolCount, content.MaxOutputTokens, content.ReasoningRequested),
            (parsed.TurnCount, parsed.ToolCount, parsed.MaxOutputTokens, parsed.Reasoning));
        Assert.Equal(Fingerprint(features), Fingerprint(parsed.Features));
    }

    /// <summary>Every feature by value (the struct's built-in equality refuses its inline MinHash array).</summary>
    private static string Fingerprint(in PromptFeatures f)
    {
        var minHash = f.MinHash;
        byte[] bins = MemoryMarshal.AsBytes(MemoryMarshal.CreateReadOnlySpan(ref minHash, 1)).ToArray();
        return string.Join(',', Convert.ToHexString(bins), f.SimHash, f.TemplateFingerprint, f.Frames, f.SystemPromptFingerprint, f.Capability,
            f.Elicitation, f.Bytes, f.Words, f.Shingles);
    }

    [Property(Arbitrary = [typeof(CaptureLinePropertyTests)], MaxTest = 200)]
    public void TryWrite_AnyRecordPromptsNotRetained_ReadableLineWithoutText(Captured captured)
    {
        var record = captured.ToRecord();
        using var line = new CaptureLine();
        Assert.True(line.TryWrite(record, retainPrompts: false));

        var parsed = default(LogRecord);
        Assert.Null(new RecordParser(Hasher).Parse(line.Written, 1, new LineBatch(), ref parsed));
        Assert.Equal(PromptSource.Body, parsed.Source);
        using var json = JsonDocument.Parse(line.Written.ToArray());
        Assert.DoesNotContain("solve step", json.RootElement.GetProperty("body").GetRawText(), StringComparison.Ordinal);
    }

    private static ulong Rehash(ulong hash) => hash == 0 ? 0 : Hasher.Hash(Encoding.UTF8.GetBytes(hash.ToString("x16", CultureInfo.InvariantCulture)));

    public sealed record Captured(string Prompt, string System, string Path, long TimestampMs, ulong[] Hashes, bool Served, int[] Tokens, int Status, bool Pretty)
    {
        internal CaptureRecord ToRecord()
        {
            var record = new CaptureRecord
            {
                TimestampMs = TimestampMs,
                Account = Hashes[0] | 1,
                ApiKey = Hashes[1],
                Organization = Hashes[2],
                Client = new ClientAttributes { IpPrefix = Hashes[3], UserAgent = Hashes[4], TlsFingerprint = Hashes[5], Payment = Hashes[6], Device = Hashes[7] },
                Path = Path,
                Served = Served,
                Status = Status,
                InputTokens = Tokens[0],
                OutputTokens = Tokens[1],
                ReasoningTokens = Math.Min(Tokens[2], Tokens[1]),
            };
            record.SetBody(Encoding.UTF8.GetBytes(Body()));
            return record;
        }

        /// <summary>A chat body as a client could send it: every string escaped the way a JSON encoder may, pretty-printed or not.</summary>
        private string Body()
        {
            string nl = Pretty ? "\n  " : "";
            return "{" + nl + "\"model\": \"m\"," + nl + "\"max_tokens\": 900," + nl + "\"messages\": [" + nl
                + "{\"role\":\"system\",\"content\":" + Quote(System) + "}," + nl
                + "{\"role\":\"user\",\"content\":" + Quote(Prompt) + "}" + nl + "]\r\n}";
        }

        private static string Quote(string text)
        {
            var json = new StringBuilder("\"");
            foreach (char c in text)
            {
                _ = c switch
                {
                    '"' => json.Append("\\\""),
                    '\\' => json.Append("\\\\"),
                    _ when c < 0x20 || char.IsSurrogate(c) => json.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                    _ => json.Append(c),
                };
            }

            return json.Append('"').ToString();
        }
    }
}
