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

    private static readonly Dictionary<string, IndicatorKind>.AlternateLookup<ReadOnlySpan<char>> QuotedLookup = QuotedEquality.GetAlternateLookup<ReadOnlySpan<char>>();

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
    public static bool TryRead(string pattern, out IndicatorKind kind, out string value) => TryRead(pattern.AsSpan(), out kind, out value);

    /// <summary>
    /// Like <see cref="TryRead(string, out IndicatorKind, out string)"/> on characters: a large feed's patterns are read
    /// straight from the bundle's bytes, and only the value becomes a string.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<char> pattern, out IndicatorKind kind, out string value)
    {
        kind = default;
        value = "";
        var p = pattern.Trim();
        if (p.Length < 2 || p[0] != '[' || p[^1] != ']')
        {
            return false;
        }

        p = p[1..^1].Trim();
        if (!TrySplit(p, out var path, out var op, out var literal))
        {
            return false;
        }

        if (op is "=" && QuotedLookup.TryGetValue(path, out kind))
        {
            return TryUnquote(literal, out value);
        }

        if (path is "autonomous-system:number" && op is "=")
        {
            kind = IndicatorKind.Asn;
            value = literal.ToString();
            return uint.TryParse(literal, NumberStyles.None, CultureInfo.InvariantCulture, out _);
        }

        if (path is "ipv4-addr:value" or "ipv6-addr:value" && op is "ISSUBSET" or "=")
        {
            kind = IndicatorKind.NetworkPrefix;
            return TryUnquote(literal, out value) && value.Contains('/', StringComparison.Ordinal);
        }

        if (path is "email-addr:value" && op is "LIKE")
        {
            kind = IndicatorKind.EmailDomain;
            if (TryUnquote(literal, out string like) && like.StartsWith("%@", StringComparison.Ordinal) && like.IndexOfAny(['%', '_'], 2) < 0 && like.Length > 2)
            {
                value = like[2..];
                return true;
            }
        }

        return false;
    }

    private static string Equal(string path, string value) => $"[{path} = {Quote(value)}]";

    /// <summary>A STIX pattern string literal: single quotes, with <c>\</c> and <c>'</c> escaped.</summary>
    private static string Quote(string value) => "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    private static bool TrySplit(ReadOnlySpan<char> comparison, out ReadOnlySpan<char> path, out ReadOnlySpan<char> op, out ReadOnlySpan<char> literal)
    {
        path = op = literal = default;
        int space = comparison.IndexOf(' ');
        if (space <= 0)
        {
            return false;
        }

        // The path may hold quoted parts ('http-request-ext') but no spaces outside them.
        path = comparison[..space];
        var rest = comparison[(space + 1)..].TrimStart();
        int opEnd = rest.IndexOf(' ');
        if (opEnd <= 0)
        {
            return false;
        }

        op = rest[..opEnd];
        literal = rest[(opEnd + 1)..].Trim();
        return literal.Length > 0;
    }

    /// <summary>Reads exactly one quoted literal (the whole remainder): a second comparison (AND, OR) or a qualifier fails.</summary>
    private static bool TryUnquote(ReadOnlySpan<char> literal, out string value)
    {
        value = "";
        if (literal.Length < 2 || literal[0] != '\'')
        {
            return false;
        }

        // The common case, no escapes: one string, no builder.
        var inner = literal[1..];
        int close = inner.IndexOfAny('\\', '\'');
        if (close >= 0 && inner[close] == '\'' && close == inner.Length - 1)
        {
            value = inner[..close].ToString();
            return value.Length > 0;
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
