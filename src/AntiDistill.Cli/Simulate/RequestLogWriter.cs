using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using AntiDistill.Simulation;

namespace AntiDistill.Cli.Simulate;

/// <summary>
/// Writes simulated requests as request-log v1 lines: opaque identifiers (see <see cref="Pseudonyms"/>), the
/// client's network and account attributes, the path and body in the account's API format, and billing fields.
/// </summary>
internal sealed class RequestLogWriter : IDisposable
{
    private static readonly string[] OpenAIModels = ["gpt-5", "gpt-5-mini", "gpt-4.1", "o4-mini"];
    private static readonly string[] AnthropicModels = ["claude-sonnet-4-5", "claude-opus-4-1", "claude-haiku-4-5"];

    // Relaxed escaping keeps non-ASCII text as UTF-8 (as gateways log it) while still escaping quotes, backslashes
    // and control characters; the output is valid JSON for any prompt.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = false };

    private readonly Stream _output;
    private readonly ArrayBufferWriter<byte> _line = new(64 * 1024);
    private readonly Utf8JsonWriter _json;
    private readonly BodyWriter _bodies = new();
    private readonly Pseudonyms _names;
    private readonly int _seed;
    private readonly Dictionary<string, ClientStyle> _styles = new(StringComparer.Ordinal);

    public RequestLogWriter(Stream output, int seed)
    {
        _output = output;
        _seed = seed;
        _names = new Pseudonyms(seed);
        _json = new Utf8JsonWriter(_line, Options);
    }

    /// <summary>Bytes written so far.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>The opaque id the log uses for a simulated account.</summary>
    public string AccountId(string account) => _names.Account(account);

    public void Write(SimulatedRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var style = StyleOf(request);
        var client = request.Client;
        var w = _json;
        w.WriteStartObject();
        w.WriteString("ts", request.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        w.WriteString("account", _names.Account(request.Account));
        w.WriteString("api_key_id", _names.ApiKey(request.Account));
        Optional(w, "org", _names.Org(client.Org));
        Optional(w, "ip", client.Ip);
        if (client.Asn is int asn)
        {
            w.WriteNumber("asn", asn);
            w.WriteString("asn_org", client.AsnOrg ?? Networks.AsnOrganization(asn));
        }

        Optional(w, "user_agent", client.UserAgent);
        Optional(w, "tls_fingerprint", _names.Tls(client.TlsFingerprint));
        Optional(w, "device", _names.Device(client.Device));
        Optional(w, "payment", _names.Payment(client.Payment));
        if (client.AccountCreated is DateTimeOffset created)
        {
            w.WriteString("account_created", created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        }

        Optional(w, "email_domain", client.EmailDomain);
        w.WriteString("path", BodyWriter.PathOf(style.Format));
        w.WritePropertyName("body");
        long bodyStart = w.BytesPending + w.BytesCommitted;
        _bodies.Write(w, request, style);
        long bodyBytes = w.BytesPending + w.BytesCommitted - bodyStart;

        // Billing and the served half: what the simulated model answered (depends on the request only, see ServedModel).
        var served = ServedModel.Serve(request);
        w.WriteNumber("input_tokens", served.InputTokens);
        w.WriteNumber("output_tokens", served.OutputTokens);
        if (served.ReasoningTokens > 0)
        {
            w.WriteNumber("reasoning_tokens", served.ReasoningTokens);
        }

        w.WriteNumber("status", served.Status);
        w.WriteEndObject();
        w.Flush();

        _line.Write("\n"u8);
        _output.Write(_line.WrittenSpan);
        BytesWritten += _line.WrittenCount;
        _line.ResetWrittenCount();
        w.Reset(_line);
    }

    public void Dispose() => _json.Dispose();

    private static void Optional(Utf8JsonWriter w, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            w.WriteString(name, value);
        }
    }

    private static long StableMix(long ticks, string account)
    {
        ulong h = (ulong)ticks * 0x9E3779B97F4A7C15UL;
        foreach (char c in account)
        {
            h = (h ^ c) * 0x100000001B3UL;
        }

        return (long)(h ^ (h >> 31)) & long.MaxValue;
    }

    /// <summary>
    /// An account's client habits, fixed for the account. Populations that model one product (a coding agent,
    /// an orchestrator) set the format; everyone else is spread over the three APIs by a hash of the account.
    /// </summary>
    private ClientStyle StyleOf(SimulatedRequest request)
    {
        if (_styles.TryGetValue(request.Account, out var style) && (request.Format is null || request.Format == style.Format))
        {
            return style;
        }

        uint h = (uint)StableMix(_seed, request.Account);
        var format = request.Format ?? (h % 20) switch
        {
            < 9 => ApiFormat.OpenAIChatCompletions,
            < 13 => ApiFormat.OpenAIResponses,
            _ => ApiFormat.AnthropicMessages,
        };
        string[] models = format == ApiFormat.AnthropicMessages ? AnthropicModels : OpenAIModels;
        style = new ClientStyle(format, models[(h >> 8) % (uint)models.Length], ContentParts: (h >> 16) % 10 < 3, Stream: (h >> 20) % 10 < 6);
        _styles[request.Account] = style;
        return style;
    }
}
