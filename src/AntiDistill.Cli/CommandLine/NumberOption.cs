using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace AntiDistill.Cli.CommandLine;

/// <summary>
/// Numeric options read here instead of by System.CommandLine's converter. A validator that calls
/// <c>GetValueOrDefault</c> throws when the text is not a number (an unhandled crash, exit 134), and the
/// converter follows the current culture; here the text is read once, with the invariant culture, and
/// range-checked in the same place, so every numeric option fails with one clear line and the usage exit code.
/// </summary>
internal static class NumberOption
{
    /// <summary>A whole-number option in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<int> Int(string name, int defaultValue, int min, int max, string description, string? helpName = null)
    {
        string range = (min, max) == (int.MinValue, int.MaxValue) ? "a whole number"
            : max == int.MaxValue
            ? string.Create(CultureInfo.InvariantCulture, $"at least {min}")
            : string.Create(CultureInfo.InvariantCulture, $"between {min} and {max}");
        string expected = min == int.MinValue ? range : range + " (a whole number)";
        return Create(name, defaultValue, description, helpName, expected, text =>
            int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max
                ? value : null);
    }

    /// <summary>A number option (invariant culture, finite) for which <paramref name="accept"/> holds; <paramref name="expected"/> says which.</summary>
    public static Option<double> Double(string name, double defaultValue, Func<double, bool> accept, string expected, string description, string? helpName = null) =>
        Create(name, defaultValue, description, helpName, expected, text =>
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value) && accept(value)
                ? value : null);

    private static Option<T> Create<T>(string name, T defaultValue, string description, string? helpName, string expected, Func<string, T?> parse)
        where T : struct
    {
        var option = new Option<T>(name)
        {
            Description = description,
            HelpName = helpName,
            DefaultValueFactory = _ => defaultValue,
        };
        option.CustomParser = result =>
        {
            // Arity makes the parser report a missing or repeated value itself; this only sees one token.
            string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            if (parse(text) is { } value)
            {
                return value;
            }

            result.AddError($"{name} must be {expected} (got '{text}').");
            return defaultValue;
        };
        return option;
    }
}
