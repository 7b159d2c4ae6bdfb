using System.Globalization;
using System.Text.Json;

namespace AntiDistill.Api.Sample;

/// <summary>Whose error shape a refused request is answered in.</summary>
internal enum ApiFormat
{
    /// <summary><c>{"error":{"message","type","param","code"}}</c>, Chat Completions and Responses.</summary>
    OpenAI,

    /// <summary><c>{"type":"error","error":{"type","message"}}</c>, Messages.</summary>
    Anthropic,
}

/// <summary>
/// The sample's checks of the fields it reads, and the 400 it answers when one is wrong, in each API's own error
/// shape: a client of the sample sees what it would see from the real API, and nothing it sends turns into a 500.
/// </summary>
internal static class CannedRequestFields
{
    private static readonly string[] BudgetNames = ["max_completion_tokens", "max_output_tokens", "max_tokens"];

    /// <summary>
    /// The output budget (0 when none is set; <c>null</c> counts as none, as OpenAI's APIs take it). A budget must be a
    /// whole number of at least 1; <c>1e5</c> and <c>64000.0</c> are whole numbers (lax parsers, Python's among them,
    /// take them), <c>1.5</c>, <c>"abc"</c> and <c>true</c> are not and give <paramref name="error"/>.
    /// </summary>
    public static bool TryReadMaxTokens(JsonElement root, out long maxTokens, out string? error, out string? param)
    {
        maxTokens = 0;
        error = null;
        param = null;
        foreach (var name in BudgetNames)
        {
            if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            param = name;
            if (value.ValueKind != JsonValueKind.Number)
            {
                error = string.Create(CultureInfo.InvariantCulture, $"Invalid type for '{name}': expected an integer, but got {Describe(value.ValueKind)} instead.");
                return false;
            }

            if (!TryGetWholeNumber(value, out long tokens))
            {
                error = $"Invalid type for '{name}': expected an integer, but got a decimal number instead.";
                return false;
            }

            if (tokens < 1)
            {
                error = string.Create(CultureInfo.InvariantCulture, $"Invalid '{name}': integer below minimum value. Expected a value >= 1, but got {tokens} instead.");
                return false;
            }

            // The first set one counts, as before (max_completion_tokens replaced max_tokens); the others are still checked.
            if (maxTokens == 0)
            {
                maxTokens = tokens;
            }
        }

        return true;
    }

    /// <summary>Answers 400 with <paramref name="message"/> in <paramref name="format"/>'s error shape.</summary>
    public static Task InvalidRequestAsync(HttpContext context, ApiFormat format, string message, string? param)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "application/json";
        string encoded = JsonEncodedText.Encode(message).ToString();
        string paramJson = param is null ? "null" : $"\"{param}\"";
        string body = format == ApiFormat.Anthropic
            ? $$$"""{"type":"error","error":{"type":"invalid_request_error","message":"{{{encoded}}}"}}"""
            : $$$"""{"error":{"message":"{{{encoded}}}","type":"invalid_request_error","param":{{{paramJson}}},"code":null}}""";
        return context.Response.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>A number with no fraction, within a long: exact integers, and the exponent and <c>.0</c> spellings of one.</summary>
    private static bool TryGetWholeNumber(JsonElement value, out long tokens)
    {
        if (value.TryGetInt64(out tokens))
        {
            return true;
        }

        double number = value.GetDouble();
        if (double.IsFinite(number) && number != Math.Floor(number))
        {
            return false;
        }

        // Past a long (1e308; 1e400 reads as infinity) the number is still whole: clamp, the budget only gets compared and capped.
        tokens = number >= long.MaxValue ? long.MaxValue : number <= long.MinValue ? long.MinValue : (long)number;
        return true;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        _ => "an object",
    };
}
