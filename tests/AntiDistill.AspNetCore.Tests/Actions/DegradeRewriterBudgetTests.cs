using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AntiDistill.Requests;
using FsCheck;
using FsCheck.Fluent;

namespace AntiDistill.AspNetCore.Tests.Actions;

/// <summary>The budget the upstream sees after a degrade: one key, capped, whatever the request spelled.</summary>
public class DegradeRewriterBudgetTests
{
    private const int Cap = 512;
    private static readonly string[] BudgetNames = ["max_tokens", "max_completion_tokens", "max_output_tokens"];

    /// <summary>The rewritten body's bytes, or null when the rewriter refused it.</summary>
    private static byte[]? Rewrite(byte[] body, RequestFormat format = RequestFormat.AnthropicMessages, int cap = Cap)
    {
        using var output = new PooledBufferWriter(64);
        if (!DegradeRewriter.TryRewrite(body, format, cap, removeReasoning: true, output))
        {
            return null;
        }

        int written = output.Written;
        var bytes = output.Detach();
        try
        {
            return bytes.AsSpan(0, written).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private static byte[]? Rewrite(string body, RequestFormat format = RequestFormat.AnthropicMessages) => Rewrite(Encoding.UTF8.GetBytes(body), format);

    /// <summary>Each top-level member's name and raw value, duplicates included (JsonElement lookups would hide them).</summary>
    private static List<(string Name, string Raw)> Members(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateObject().Select(p => (p.Name, p.Value.GetRawText()))];
    }

    [Theory]
    [InlineData("1e5")]
    [InlineData("64000.0")]
    [InlineData("1e308")]
    [InlineData("1E+5")]
    [InlineData("1e400")]
    [InlineData("512.0")]
    [InlineData("99999999999999999999999")]
    public void TryRewrite_BudgetOverTheCapInAnyNumberForm_ReplacedNotDuplicated(string number)
    {
        var members = Members(Rewrite($$"""{"model":"m","max_tokens":{{number}},"messages":[]}""")!);

        Assert.Equal([("max_tokens", "512")], members.Where(m => m.Name == "max_tokens"));
    }

    [Theory]
    [InlineData("100")]
    [InlineData("1e2")]
    [InlineData("100.0")]
    [InlineData("511.9")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("-1e400")]
    public void TryRewrite_NumberBelowTheCap_KeptAsSentForTheUpstreamToJudge(string number)
    {
        var members = Members(Rewrite($$"""{"max_tokens":{{number}},"messages":[]}""")!);

        Assert.Equal([("max_tokens", number)], members.Where(m => m.Name == "max_tokens"));
    }

    /// <summary>null is "no limit" to OpenAI, and lax parsers turn "100000" into a number: neither may reach the upstream.</summary>
    [Theory]
    [InlineData("null")]
    [InlineData("\"abc\"")]
    [InlineData("\"100000\"")]
    [InlineData("true")]
    [InlineData("{\"a\":1}")]
    [InlineData("[100]")]
    public void TryRewrite_BudgetNotANumber_ReplacedByTheCap(string value)
    {
        var members = Members(Rewrite($$"""{"max_completion_tokens":{{value}},"messages":[]}""", RequestFormat.OpenAIChatCompletions)!);

        Assert.Equal([("max_completion_tokens", "512")], members.Where(m => BudgetNames.Contains(m.Name)));
    }

    [Theory]
    [InlineData("""{"max_tokens":100000,"max_tokens":100}""", "100")] // a first-wins parser would have read 100000
    [InlineData("""{"max_tokens":100,"max_tokens":100000}""", "100")]
    [InlineData("""{"max_tokens":null,"max_tokens":"x","max_tokens":1e9}""", "512")]
    [InlineData("""{"max\u005ftokens":100000,"max_tokens":300}""", "300")] // an escaped spelling is the same key
    public void TryRewrite_BudgetKeyRepeated_OneKeyWithTheSmallest(string body, string expected)
    {
        var members = Members(Rewrite(body)!);

        Assert.Equal([("max_tokens", expected)], members);
    }

    [Fact]
    public void TryRewrite_LoneSurrogateInAName_StillRewritten()
    {
        // ValueTextEquals throws for such a name; the rewrite failed and the request went through with its budget whole.
        var rewritten = Rewrite("""{"max_\ud800":1,"max_tokens":99999,"thinking":{"type":"enabled"}}""");

        Assert.NotNull(rewritten);
        Assert.Equal("""{"max_\ud800":1,"max_tokens":512}""", Encoding.UTF8.GetString(rewritten));
    }

    [Fact]
    public void TryRewrite_LeadingByteOrderMark_Rewritten()
    {
        // The readers skip the mark as the endpoint's parser does; the rewriter must not then refuse, and so not degrade, it.
        var rewritten = Rewrite([0xEF, 0xBB, 0xBF, .. """{"max_tokens":99999}"""u8]);

        Assert.Equal("""{"max_tokens":512}""", Encoding.UTF8.GetString(rewritten!));
    }

    [Theory]
    [InlineData("""{"max_tokens":1} x""")]
    [InlineData("""{"max_tokens":1}{"max_tokens":99999}""")]
    [InlineData("""{"max_tokens":1 /* c */}""")]
    public void TryRewrite_NotExactlyOneObject_Refused(string body)
    {
        Assert.Null(Rewrite(body));
    }

    /// <summary>Any number form (sign, digits, fraction, exponent) under any budget name, at any position, any number of times.</summary>
    [FsCheck.Xunit.Property(MaxTest = 1000)]
    public Property TryRewrite_AnyNumberFormAndPosition_OneBudgetKeyAtMostTheCap()
    {
        var number = Gen.Zip(Gen.Elements("", "-"), Gen.Elements("0", "1", "7", "100", "511", "512", "513", "64000", "99999999999999999999"))
            .SelectMany(head => Gen.Elements("", ".0", ".5", ".000001").SelectMany(fraction =>
                Gen.Elements("", "e0", "e2", "E+5", "e-3", "e308", "e400", "E-400").Select(exponent => head.Item1 + head.Item2 + fraction + exponent)));
        var value = Gen.Frequency((6, number), (1, Gen.Elements("null", "\"abc\"", "\"99999\"", "true", "[]", "{}")));
        var member = Gen.OneOf(
            Gen.Elements(BudgetNames).SelectMany(name => value.Select(v => (Budget: (string?)name, Json: $"\"{name}\":{v}"))),
            Gen.Elements("\"model\":\"m\"", "\"messages\":[{\"max_tokens\":99999}]", "\"temperature\":0.5", "\"a\\\"b\":null")
                .Select(other => (Budget: (string?)null, Json: other)));
        var generator = Gen.ListOf(member).SelectMany(members => Gen.Elements(
            RequestFormat.OpenAIChatCompletions, RequestFormat.OpenAIResponses, RequestFormat.AnthropicMessages).Select(format => (Members: members.ToArray(), Format: format)));
        return Prop.ForAll(generator.ToArbitrary(), input =>
        {
            string body = "{" + string.Join(",", input.Members.Select(m => m.Json)) + "}";
            var rewritten = Rewrite(Encoding.UTF8.GetBytes(body), input.Format);
            if (rewritten is null)
            {
                return false.Label($"refused {body}");
            }

            var sent = input.Members.Where(m => m.Budget is not null).Select(m => m.Budget!).Distinct().ToList();
            var expected = sent.Count > 0 ? sent : [FieldOf(input.Format)];
            var budgets = Members(rewritten).Where(m => BudgetNames.Contains(m.Name)).ToList();
            bool oneEach = budgets.Select(b => b.Name).Order().SequenceEqual(expected.Order());
            bool capped = budgets.All(b => double.Parse(b.Raw, CultureInfo.InvariantCulture) <= Cap);
            bool othersKept = Members(rewritten).Where(m => !BudgetNames.Contains(m.Name)).Select(m => m.Name)
                .SequenceEqual(input.Members.Where(m => m.Budget is null).Select(m => Members(Encoding.UTF8.GetBytes("{" + m.Json + "}"))[0].Name));
            return (oneEach && capped && othersKept).Label($"{body} -> {Encoding.UTF8.GetString(rewritten)}");
        });
    }

    /// <summary>Whatever the request reader scores, the rewriter can degrade: a body it refused would go through with its budget whole.</summary>
    [FsCheck.Xunit.Property(MaxTest = 1000)]
    public Property TryRewrite_AnyBodyTheReaderReads_Rewritten()
    {
        string[] fragments = [" ", "\"\\ud800\":1,", "\"max_\\udc00\":1,", "\"\\u0061\":[1,{}],", "\"max_tokens\":null,", "\"max\\u005ftokens\":9e9,", "x", "\"", "}", ","];
        var generator = Gen.Elements("1", "1e5", "null", "\"abc\"", "-1.5", "\"\\ud800\"").SelectMany(budget =>
            Gen.ListOf(Gen.Zip(Gen.Elements(fragments), Gen.Choose(0, int.MaxValue))).SelectMany(inserts =>
                Gen.Elements(false, true).Select(bom => (Budget: budget, Inserts: inserts.Take(2).ToArray(), Bom: bom))));
        return Prop.ForAll(generator.ToArbitrary(), input =>
        {
            string body = $$"""{"model":"m","messages":[{"role":"user","content":"q \ud800"}],"max_tokens":{{input.Budget}}}""";
            foreach (var (fragment, at) in input.Inserts)
            {
                // Half of them just inside the object, where a member fits; the rest anywhere.
                body = body.Insert(at % 2 == 0 ? body.IndexOf('{', StringComparison.Ordinal) + 1 : at % (body.Length + 1), fragment);
            }

            byte[] bytes = Encoding.UTF8.GetBytes(input.Bom ? "\uFEFF" + body : body);
            var status = RequestBodyReader.Default.Read(bytes, "/v1/messages", new RequestContent());
            return (status != RequestReadStatus.Ok || Rewrite(bytes) is not null).Label($"{input.Bom} {body}");
        });
    }

    private static string FieldOf(RequestFormat format) => format switch
    {
        RequestFormat.OpenAIChatCompletions => "max_completion_tokens",
        RequestFormat.OpenAIResponses => "max_output_tokens",
        _ => "max_tokens",
    };
}
