using System.Text;
using System.Text.Json;
using AntiDistill.Requests;
using FsCheck;
using FsCheck.Fluent;

namespace AntiDistill.AspNetCore.Tests.Actions;

public class DegradeRewriterTests
{
    private static JsonElement Rewrite(string body, RequestFormat format, int cap = 512, bool removeReasoning = true)
    {
        using var output = new PooledBufferWriter(64);
        Assert.True(DegradeRewriter.TryRewrite(Encoding.UTF8.GetBytes(body), format, cap, removeReasoning, output));
        var bytes = output.Detach();
        try
        {
            return JsonDocument.Parse(bytes.AsMemory(0, output.Written)).RootElement.Clone();
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    [Fact]
    public void TryRewrite_EscapedNamesAndNestedValues_CopiedUnchanged()
    {
        const string body = """{"messages":[{"role":"user","content":"say \"hi\" \u00e9 ☃"}],"metadata":{"a\"b":[1,2,{"max_tokens":99999}]},"max_tokens":99999,"temperature":0.5}""";

        var json = Rewrite(body, RequestFormat.OpenAIChatCompletions);

        Assert.Equal(512, json.GetProperty("max_tokens").GetInt32());
        Assert.Equal("say \"hi\" é ☃", json.GetProperty("messages")[0].GetProperty("content").GetString());
        Assert.Equal(99999, json.GetProperty("metadata").GetProperty("a\"b")[2].GetProperty("max_tokens").GetInt32());
        Assert.Equal(0.5, json.GetProperty("temperature").GetDouble());
        Assert.False(json.TryGetProperty("max_completion_tokens", out _));
    }

    [Theory]
    [InlineData(RequestFormat.OpenAIChatCompletions, "max_completion_tokens")]
    [InlineData(RequestFormat.OpenAIResponses, "max_output_tokens")]
    [InlineData(RequestFormat.AnthropicMessages, "max_tokens")]
    public void TryRewrite_NoBudget_AddsTheFormatsBudgetField(RequestFormat format, string field)
    {
        var json = Rewrite("""{"model":"m","reasoning":{"effort":"high"},"thinking":{"type":"enabled"},"reasoning_effort":"high"}""", format);

        Assert.Equal(512, json.GetProperty(field).GetInt32());
        Assert.False(json.TryGetProperty("reasoning", out _));
        Assert.False(json.TryGetProperty("thinking", out _));
        Assert.False(json.TryGetProperty("reasoning_effort", out _));
    }

    [Theory]
    [InlineData(8000, false)]
    [InlineData(512, false)]
    [InlineData(400, true)]
    public void TryRewrite_ReasoningKeptButThinkingBudgetOverTheCap_ThinkingDropped(int budget, bool kept)
    {
        string body = $$"""{"model":"m","thinking":{"type":"enabled","budget_tokens":{{budget}}},"max_tokens":32000,"messages":[]}""";

        var json = Rewrite(body, RequestFormat.AnthropicMessages, cap: 512, removeReasoning: false);

        Assert.Equal(512, json.GetProperty("max_tokens").GetInt32());
        Assert.Equal(kept, json.TryGetProperty("thinking", out var thinking));
        if (kept)
        {
            Assert.Equal(budget, thinking.GetProperty("budget_tokens").GetInt32());
        }
    }

    [Fact]
    public void TryRewrite_ReasoningKept_WhenPolicySaysSo()
    {
        var json = Rewrite("""{"reasoning_effort":"high","max_tokens":10}""", RequestFormat.OpenAIChatCompletions, removeReasoning: false);

        Assert.Equal("high", json.GetProperty("reasoning_effort").GetString());
        Assert.Equal(10, json.GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public void TryRewrite_NotAnObject_False()
    {
        using var output = new PooledBufferWriter(64);

        Assert.False(DegradeRewriter.TryRewrite("[1,2]"u8, RequestFormat.OpenAIChatCompletions, 10, true, output));
        Assert.False(DegradeRewriter.TryRewrite("{\"a\":"u8, RequestFormat.OpenAIChatCompletions, 10, true, output));
    }

    /// <summary>Any JSON object: the rewrite is valid JSON with every budget at most the cap and every other top-level field unchanged.</summary>
    [FsCheck.Xunit.Property(MaxTest = 300)]
    public bool TryRewrite_AnyObject_ValidJsonBudgetsCappedOtherFieldsKept(string[] names, int[] numbers, string[] texts, int cap)
    {
        cap = Math.Abs(cap % 100_000) + 1;
        var source = new Dictionary<string, object?>();
        string[] budgetNames = ["max_tokens", "max_completion_tokens", "max_output_tokens"];
        for (int i = 0; i < (names?.Length ?? 0); i++)
        {
            string name = names![i] ?? "n";
            source[name] = i % 2 == 0 ? (object?)(texts is { Length: > 0 } ? texts[i % texts.Length] : null) : numbers is { Length: > 0 } ? numbers[i % numbers.Length] : 1;
        }

        for (int i = 0; i < (numbers?.Length ?? 0) && i < budgetNames.Length; i++)
        {
            source[budgetNames[i]] = Math.Abs((long)numbers![i]);
        }

        string body = JsonSerializer.Serialize(source);
        var json = Rewrite(body, RequestFormat.OpenAIChatCompletions, cap);
        foreach (var (name, value) in source)
        {
            if (budgetNames.Contains(name))
            {
                if (json.GetProperty(name).GetInt64() != Math.Min((long)value!, cap))
                {
                    return false;
                }
            }
            else if (name is "reasoning" or "reasoning_effort" or "thinking")
            {
                if (json.TryGetProperty(name, out _))
                {
                    return false;
                }
            }
            else if (json.GetProperty(name).GetRawText() != JsonSerializer.Serialize(value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Arbitrary bytes never throw: either rewritten into valid JSON or refused.</summary>
    [FsCheck.Xunit.Property(MaxTest = 500)]
    public bool TryRewrite_AnyBytes_NeverThrows(byte[] prefix, bool wrap)
    {
        byte[] body = wrap ? [.. "{\"max_tokens\":"u8, .. prefix ?? [], .. "}"u8] : prefix ?? [];
        using var output = new PooledBufferWriter(16);
        if (!DegradeRewriter.TryRewrite(body, RequestFormat.AnthropicMessages, 7, true, output))
        {
            return true;
        }

        var bytes = output.Detach();
        try
        {
            using var document = JsonDocument.Parse(bytes.AsMemory(0, output.Written));
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(bytes);
        }
    }
}
