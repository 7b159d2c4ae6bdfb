using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using AntiDistill.Requests;

namespace AntiDistill.AspNetCore;

/// <summary>
/// Rewrites a JSON request body for the degrade action: output budgets capped, requested reasoning removed.
/// Top-level fields only; every other member is copied byte for byte (name, escapes and value as sent), so nothing
/// the model reads changes.
/// </summary>
/// <remarks>
/// Each budget field (<c>max_tokens</c>, <c>max_completion_tokens</c>, <c>max_output_tokens</c>, however spelled) is
/// written exactly once, after the other members (one pass; member order carries no meaning in JSON): a number below
/// the cap as it was sent (the smallest, when the name repeats), anything else as the cap. A budget left beside a
/// capped copy, or a number spelled <c>1e5</c> or <c>64000.0</c> kept, would leave the upstream's parser to pick which
/// one counts; <c>null</c> (no limit, to OpenAI) and strings (which lax parsers turn into numbers) must not survive.
/// </remarks>
internal static class DegradeRewriter
{
    private static ReadOnlySpan<byte> BudgetNames => "max_tokensmax_completion_tokensmax_output_tokens"u8;

    /// <summary>Rewrites <paramref name="body"/> into <paramref name="output"/>; false (output untouched in meaning) when the body is not one JSON object.</summary>
    public static bool TryRewrite(ReadOnlySpan<byte> body, RequestFormat format, int maxOutputTokens, bool removeReasoning, PooledBufferWriter output)
    {
        try
        {
            Rewrite(body, format, maxOutputTokens, removeReasoning, output);
            return true;
        }
        catch (JsonException)
        {
            // The body was read as JSON a moment ago; this only guards against a custom reader that is laxer than Utf8JsonReader.
            return false;
        }
    }

    /// <summary>
    /// Rewrites <paramref name="body"/> with requested reasoning removed and budgets as sent: how reasoning is withheld
    /// from Anthropic requests, whose thinking blocks cannot be stripped from the response (see <see cref="ServedResponseBody"/>).
    /// </summary>
    public static bool TryRemoveReasoning(ReadOnlySpan<byte> body, RequestFormat format, PooledBufferWriter output)
    {
        try
        {
            Rewrite(body, format, cap: null, removeReasoning: true, output);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <remarks>A null <paramref name="cap"/> leaves budgets as sent.</remarks>
    private static void Rewrite(ReadOnlySpan<byte> body, RequestFormat format, int? cap, bool removeReasoning, PooledBufferWriter output)
    {
        // The readers' rules (no comments, so a member's bytes are only JSON; a byte order mark skipped), with room to nest.
        body = JsonShape.SkipByteOrderMark(body);
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 256 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("Not an object.");
        }

        Span<Budget> budgets = [Budget.None, Budget.None, Budget.None];
        bool first = true;
        output.Write("{"u8);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            int memberStart = (int)reader.TokenStartIndex;
            var field = Classify(ref reader, out int budget);
            if (field == Field.Reasoning && (removeReasoning || ThinkingOutgrowsCap(reader, format, cap!.Value)))
            {
                reader.Read();
                reader.Skip();
                continue;
            }

            reader.Read();
            if (field == Field.Budget && cap is int limit)
            {
                budgets[budget].Offer(ref reader, limit);
                reader.Skip();
                continue;
            }

            reader.Skip();
            WriteSeparator(output, ref first);
            output.Write(body[memberStart..(int)reader.BytesConsumed]);
        }

        JsonText.ExpectEnd(ref reader);
        if (cap is not int capped)
        {
            output.Write("}"u8);
            return;
        }

        bool any = false;
        for (int i = 0; i < budgets.Length; i++)
        {
            if (budgets[i].Seen)
            {
                any = true;
                WriteBudget(output, ref first, NameOf(i), budgets[i].Number(body), capped);
            }
        }

        if (!any && BudgetFieldOf(format) is int added)
        {
            WriteBudget(output, ref first, NameOf(added), default, capped);
        }

        output.Write("}"u8);
    }

    private static void WriteSeparator(PooledBufferWriter output, ref bool first)
    {
        if (!first)
        {
            output.Write(","u8);
        }

        first = false;
    }

    /// <summary>Writes <c>"name":number</c>, the number as sent when there is one (it is below the cap), else the cap.</summary>
    private static void WriteBudget(PooledBufferWriter output, ref bool first, ReadOnlySpan<byte> name, ReadOnlySpan<byte> number, int cap)
    {
        WriteSeparator(output, ref first);
        output.Write("\""u8);
        output.Write(name);
        output.Write("\":"u8);
        if (!number.IsEmpty)
        {
            output.Write(number);
            return;
        }

        var span = output.GetSpan(11);
        Utf8Formatter.TryFormat(cap, span, out int written);
        output.Advance(written);
    }

    /// <summary>
    /// Whether an Anthropic <c>thinking</c> object asks for a budget the capped <c>max_tokens</c> cannot hold: the API
    /// refuses a request whose <c>budget_tokens</c> is not below <c>max_tokens</c>, so a kept-reasoning degrade would
    /// otherwise turn into an upstream 400. Such thinking is dropped; one that fits is kept as it is.
    /// </summary>
    private static bool ThinkingOutgrowsCap(Utf8JsonReader reader, RequestFormat format, int cap)
    {
        if (format != RequestFormat.AnthropicMessages || !JsonText.TextEquals(in reader, "thinking"u8) || !reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        int depth = reader.CurrentDepth;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == depth + 1 && JsonText.TextEquals(in reader, "budget_tokens"u8))
            {
                return reader.Read() && reader.TokenType == JsonTokenType.Number && (!reader.TryGetInt64(out long budget) || budget >= cap);
            }

            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }
        }

        return false;
    }

    private static Field Classify(ref Utf8JsonReader reader, out int budget)
    {
        budget = JsonText.TextEquals(in reader, "max_tokens"u8) ? 0
            : JsonText.TextEquals(in reader, "max_completion_tokens"u8) ? 1
            : JsonText.TextEquals(in reader, "max_output_tokens"u8) ? 2
            : -1;
        if (budget >= 0)
        {
            return Field.Budget;
        }

        return JsonText.TextEquals(in reader, "reasoning_effort"u8) || JsonText.TextEquals(in reader, "reasoning"u8) || JsonText.TextEquals(in reader, "thinking"u8)
            ? Field.Reasoning
            : Field.Other;
    }

    private static ReadOnlySpan<byte> NameOf(int budget) => budget switch
    {
        0 => BudgetNames[..10],
        1 => BudgetNames[10..31],
        _ => BudgetNames[31..],
    };

    /// <summary>The field each format reads the output budget from (an index for <see cref="NameOf"/>), added when the request set none.</summary>
    private static int? BudgetFieldOf(RequestFormat format) => format switch
    {
        RequestFormat.OpenAIChatCompletions => 1,
        RequestFormat.OpenAIResponses => 2,
        RequestFormat.AnthropicMessages => 0,
        _ => null,
    };

    private enum Field
    {
        Other,
        Budget,
        Reasoning,
    }

    /// <summary>One budget name's occurrences: whether it was sent, and where the smallest number below the cap stands.</summary>
    private struct Budget
    {
        public static readonly Budget None = new() { Start = -1 };

        public bool Seen;
        public int Start;
        public int Length;
        public double Value;

        /// <summary>Takes the value under <paramref name="reader"/>: a number below the cap is kept if it is the smallest yet.</summary>
        public void Offer(ref Utf8JsonReader reader, int cap)
        {
            Seen = true;

            // A number's ValueSpan is its text as sent. Rounding to double is monotonic and the cap is exact, so a number
            // above the cap never reads below it; 1e400 reads as infinity.
            if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out double value) && value < cap && (Start < 0 || value < Value))
            {
                Start = (int)reader.TokenStartIndex;
                Length = reader.ValueSpan.Length;
                Value = value;
            }
        }

        public readonly ReadOnlySpan<byte> Number(ReadOnlySpan<byte> body) => Start < 0 ? default : body.Slice(Start, Length);
    }
}
