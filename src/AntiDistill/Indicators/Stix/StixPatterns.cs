using System.Globalization;
using System.Text;

namespace AntiDistill;

/// <summary>
/// The STIX patterns an indicator of each kind is written as, and the reading of exactly those back: one comparison
/// in one observation expression. Standard object paths where STIX has one (autonomous-system, ipv4/ipv6-addr,
/// email-addr, the HTTP request header), AntiDistill's own objects (<c>x-antidistill-prompt</c>,
/// <c>x-antidistill-client</c>, declared by the bundle's extension-definition) where it has none. Anything else is a
/// pattern the engine cannot evaluate.
/// </summary>
internal static class StixPatterns
{
    private const string UserAgentPath = "network-traffic:extensions.'http-request-ext'.request_header.'User-Agent'";

    /// <summary>The kinds written as <c>[path = 'value']</c>.</summary>
    private static readonly Dictionary<string, IndicatorKind> QuotedEquality = new(StringComparer.Ordinal)
    {
        ["x-antidistill-prompt:opening_frame"] = IndicatorKind.PromptOpeningFrame,
        ["x-antidistill-prompt:closing_frame"] = IndicatorKind.PromptClosingFrame,
        ["x-antidistill-prompt:system_prompt"] = IndicatorKind.SystemPrompt,
        ["x-antidistill-client:ja4"] = IndicatorKind.TlsFingerprint,
        [UserAgentPath] = IndicatorKind.UserAgent,
    };

    public static string For(IndicatorKind kind, string value) => kind switch
    {
        IndicatorKind.PromptOpeningFrame => Equal("x-antidistill-prompt:opening_frame", value),
        IndicatorKind.PromptClosingFrame => Equal("x-antidistill-prompt:closing_frame", value),
        IndicatorKind.SystemPrompt => Equal("x-antidistill-prompt:system_prompt", value),
        IndicatorKind.TlsFingerprint => Equal("x-antidistill-client:ja4", value),
        IndicatorKind.UserAgent => Equal(UserAgentPath, value),
        IndicatorKind.Asn => string.Create(CultureInfo.InvariantCulture, $"[autonomous-system:number = {uint.Parse(value, CultureInfo.InvariantCulture)}]"),
        IndicatorKind.NetworkPrefix => $"[{(value.Contains(':', StringComparison.Ordinal) ? "ipv6-addr" : "ipv4-addr")}:value ISSUBSET {Quote(value)}]",
        IndicatorKind.EmailDomain => $"[email-addr:value LIKE {Quote("%@" + value)}]",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>Reads a pattern written by <see cref="For"/>; false for any other pattern.</summary>
    public static bool TryRead(string pattern, out IndicatorKind kind, out string value)
    {
        kind = default;
        value = "";
        string p = pattern.Trim();
        if (p.Length < 2 || p[0] != '[' || p[^1] != ']')
        {
            return false;
        }

        p = p[1..^1].Trim();
        if (!TrySplit(p, out string path, out string op, out string literal))
        {
            return false;
        }

        if (op == "=" && QuotedEquality.TryGetValue(path, out kind))
        {
            return TryUnquote(literal, out value);
        }

        switch (path, op)
        {
            case ("autonomous-system:number", "="):
                kind = IndicatorKind.Asn;
                value = literal;
                return uint.TryParse(literal, NumberStyles.None, CultureInfo.InvariantCulture, out _);
            case ("ipv4-addr:value" or "ipv6-addr:value", "ISSUBSET" or "="):
                kind = IndicatorKind.NetworkPrefix;
                return TryUnquote(literal, out value) && value.Contains('/', StringComparison.Ordinal);
            case ("email-addr:value", "LIKE"):
                kind = IndicatorKind.EmailDomain;
                if (TryUnquote(literal, out string like) && like.StartsWith("%@", StringComparison.Ordinal) && like.IndexOfAny(['%', '_'], 2) < 0 && like.Length > 2)
                {
                    value = like[2..];
                    return true;
                }

                return false;
            default:
                return false;
        }
    }

    private static string Equal(string path, string value) => $"[{path} = {Quote(value)}]";

    /// <summary>A STIX pattern string literal: single quotes, with <c>\</c> and <c>'</c> escaped.</summary>
    private static string Quote(string value) => "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    private static bool TrySplit(string comparison, out string path, out string op, out string literal)
    {
        path = op = literal = "";
        int space = comparison.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0)
        {
            return false;
        }

        // The path may hold quoted parts ('http-request-ext') but no spaces outside them.
        path = comparison[..space];
        string rest = comparison[(space + 1)..].TrimStart();
        int opEnd = rest.IndexOf(' ', StringComparison.Ordinal);
        if (opEnd <= 0)
        {
            return false;
        }

        op = rest[..opEnd];
        literal = rest[(opEnd + 1)..].Trim();
        return literal.Length > 0;
    }

    /// <summary>Reads exactly one quoted literal (the whole remainder): a second comparison (AND, OR) or a qualifier fails.</summary>
    private static bool TryUnquote(string literal, out string value)
    {
        value = "";
        if (literal.Length < 2 || literal[0] != '\'')
        {
            return false;
        }

        var sb = new StringBuilder(literal.Length);
        for (int i = 1; i < literal.Length; i++)
        {
            char c = literal[i];
            if (c == '\\')
            {
                if (++i >= literal.Length || (literal[i] != '\\' && literal[i] != '\''))
                {
                    return false;
                }

                sb.Append(literal[i]);
            }
            else if (c == '\'')
            {
                value = sb.ToString();
                return i == literal.Length - 1 && value.Length > 0;
            }
            else
            {
                sb.Append(c);
            }
        }

        return false;
    }
}
