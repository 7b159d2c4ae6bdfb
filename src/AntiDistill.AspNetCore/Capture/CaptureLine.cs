using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Unicode;

namespace AntiDistill.AspNetCore;

/// <summary>
/// Serializes a <see cref="CaptureRecord"/> as one request-log v1 line (docs/request-log-v1.md). Identities are written
/// as the engine's keyed hashes in hex, never in clear: replayed, each hashes again to a value of its own, one to one,
/// so accounts, links and clusters come out the same while nothing in the file can be reversed without the key.
/// </summary>
/// <remarks>
/// The client address is written as a synthetic IPv6 address in the unique-local range (<c>fdXX:XXXX:XXXX::</c>) whose
/// /48 carries 40 bits of the keyed hash of the client's /24 or /48: the analyzer takes the /48 of what it reads, so two
/// requests from one network prefix still share one, and the real address is not in the file.
/// </remarks>
internal sealed class CaptureLine : IDisposable
{
    private readonly ArrayBufferWriter<byte> _line = new(4096);
    private readonly ArrayBufferWriter<byte> _body = new(4096);
    private readonly Utf8JsonWriter _json;

    public CaptureLine() => _json = new Utf8JsonWriter(_line, new JsonWriterOptions { SkipValidation = false });

    public void Dispose() => _json.Dispose();

    /// <summary>The line last written, without its line end.</summary>
    public ReadOnlySpan<byte> Written => _line.WrittenSpan;

    /// <summary>Writes the line of <paramref name="record"/>; false when its body is not JSON that can be copied (nothing written).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see CaptureWriterService.Drain
    public bool TryWrite(CaptureRecord record, bool retainPrompts)
    {
        _line.ResetWrittenCount();
        _body.ResetWrittenCount();
        if (!CaptureBody.TryWrite(record.BodySpan, retainPrompts, _body))
        {
            return false;
        }

        _json.Reset(_line);
        _json.WriteStartObject();
        WriteTimestamp("ts"u8, DateTimeOffset.FromUnixTimeMilliseconds(record.TimestampMs));
        WriteHash("account"u8, record.Account);
        WriteHash("api_key_id"u8, record.ApiKey);
        WriteHash("org"u8, record.Organization);
        var client = record.Client;
        if (client.IpPrefix != 0)
        {
            WriteAddress(client.IpPrefix);
        }

        if (client.Asn != 0)
        {
            _json.WriteNumber("asn"u8, client.Asn);
        }

        WriteHash("user_agent"u8, client.UserAgent);
        WriteHash("tls_fingerprint"u8, client.TlsFingerprint);
        WriteHash("device"u8, client.Device);
        WriteHash("payment"u8, client.Payment);
        WriteHash("email_domain"u8, client.EmailDomain);
        if (client.AccountCreated != default)
        {
            WriteTimestamp("account_created"u8, client.AccountCreated);
        }

        WritePath(record.Path);
        _json.WritePropertyName("body"u8);
        _json.WriteRawValue(_body.WrittenSpan, skipInputValidation: true);
        if (record.Served)
        {
            _json.WriteNumber("input_tokens"u8, record.InputTokens);
            _json.WriteNumber("output_tokens"u8, record.OutputTokens);
            _json.WriteNumber("reasoning_tokens"u8, record.ReasoningTokens);
            _json.WriteNumber("status"u8, record.Status);
        }

        _json.WriteEndObject();
        _json.Flush();
        return true;
    }

    private void WriteTimestamp(ReadOnlySpan<byte> name, DateTimeOffset at)
    {
        Span<byte> text = stackalloc byte[40];
        at.UtcDateTime.TryFormat(text, out int written, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        _json.WriteString(name, text[..written]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see CaptureWriterService.Drain
    private void WriteHash(ReadOnlySpan<byte> name, ulong hash)
    {
        if (hash == 0)
        {
            return;
        }

        Span<byte> hex = stackalloc byte[16];
        hash.TryFormat(hex, out _, "x16", CultureInfo.InvariantCulture);
        _json.WriteString(name, hex);
    }

    private void WriteAddress(ulong prefixHash)
    {
        // fdHH:HHHH:HHHH:: with the hash's low 40 bits: a unique-local /48 of its own per prefix.
        Span<byte> text = stackalloc byte[32];
        ulong bits = prefixHash & 0xFF_FFFF_FFFFUL;
        bool ok = Utf8.TryWrite(text, CultureInfo.InvariantCulture, $"fd{(bits >> 32) & 0xFF:x2}:{(bits >> 16) & 0xFFFF:x4}:{bits & 0xFFFF:x4}::", out int written);
        if (ok)
        {
            _json.WriteString("ip"u8, text[..written]);
        }
    }

    /// <summary>The path (as UTF-8; a path that is not valid UTF-16 is left out and the body's shape picks the format).</summary>
    private void WritePath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path.Length > 2048)
        {
            return;
        }

        Span<byte> utf8 = stackalloc byte[path.Length * 3];
        if (Utf8.FromUtf16(path, utf8, out _, out int written, replaceInvalidSequences: false) == OperationStatus.Done)
        {
            _json.WriteString("path"u8, utf8[..written]);
        }
    }
}
