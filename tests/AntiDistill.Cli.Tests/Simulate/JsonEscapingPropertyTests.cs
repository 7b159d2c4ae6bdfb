using System.Text.Json;
using AntiDistill.Cli.Simulate;
using AntiDistill.Simulation;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace AntiDistill.Cli.Tests.Simulate;

public class JsonEscapingPropertyTests
{
    /// <summary>Any text a prompt can hold: control characters, quotes, backslashes, HTML-sensitive and non-ASCII characters, surrogate pairs.</summary>
    private static readonly string[] Pieces = ["\"", "\\", "\n", "\r\n", "\t", "\0", "\u001f", "\u007f", "</script>", "<&>'", "é", "中文", "\u2028", "\u2029", "😀", "\ufeff", "{\"a\":1}", "plain words "];

    public static Arbitrary<string> PromptText() =>
        Gen.OneOf(
                ArbMap.Default.GeneratorFor<char>().Where(c => !char.IsSurrogate(c)).Select(c => c.ToString()),
                Gen.Elements(Pieces))
            .NonEmptyListOf() // empty optional fields are left out of a record, so there is nothing to round-trip
            .Select(parts => string.Concat(parts))
            .ToArbitrary();

    [Property(Arbitrary = [typeof(JsonEscapingPropertyTests)], MaxTest = 300)]
    public bool RequestLogWriter_AnyPromptText_RoundTripsThroughEveryFormat(string text)
    {
        foreach (var format in Enum.GetValues<ApiFormat>())
        {
            var request = new SimulatedRequest
            {
                Account = "a\"c\\count",
                Timestamp = new DateTimeOffset(2026, 4, 6, 0, 0, 0, TimeSpan.Zero),
                Prompt = text,
                SystemPrompt = text,
                History = new[] { new ChatTurn(ChatRole.User, text), new ChatTurn(ChatRole.Assistant, text) },
                Population = "p",
                IsCampaign = false,
                Source = "s",
                Format = format,
                Client = new ClientProfile { UserAgent = text, EmailDomain = text },
            };
            using var stream = new MemoryStream();
            using (var writer = new RequestLogWriter(stream, seed: 1))
            {
                writer.Write(request);
            }

            byte[] bytes = stream.ToArray();
            if (Array.IndexOf(bytes, (byte)'\n') != bytes.Length - 1)
            {
                return false; // one record, one line: raw line breaks inside strings would split it
            }

            using var doc = JsonDocument.Parse(bytes);
            var root = doc.RootElement;
            if (root.GetProperty("user_agent").GetString() != text || root.GetProperty("email_domain").GetString() != text
                || LastUserText(root.GetProperty("body"), format) != text || SystemText(root.GetProperty("body"), format) != text)
            {
                return false;
            }
        }

        return true;
    }

    private static string? LastUserText(JsonElement body, ApiFormat format)
    {
        var messages = body.GetProperty(format == ApiFormat.OpenAIResponses ? "input" : "messages");
        if (messages.ValueKind == JsonValueKind.String)
        {
            return messages.GetString();
        }

        var last = messages[messages.GetArrayLength() - 1];
        var content = last.GetProperty("content");
        return content.ValueKind == JsonValueKind.String ? content.GetString() : content[0].GetProperty("text").GetString();
    }

    private static string? SystemText(JsonElement body, ApiFormat format) => format switch
    {
        ApiFormat.OpenAIChatCompletions => body.GetProperty("messages")[0].GetProperty("content") is { ValueKind: JsonValueKind.String } s ? s.GetString() : body.GetProperty("messages")[0].GetProperty("content")[0].GetProperty("text").GetString(),
        ApiFormat.OpenAIResponses => body.GetProperty("instructions").GetString(),
        _ => body.GetProperty("system").GetString(),
    };
}
