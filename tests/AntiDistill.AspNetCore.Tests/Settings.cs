using System.Globalization;

namespace AntiDistill.AspNetCore.Tests;

/// <summary>Configuration keys for policies, as appsettings.json would hold them.</summary>
internal static class Settings
{
    private const string Policies = "AntiDistillation:Http:Policies";

    /// <summary>The default policy enforcing one action on every request (band from risk 0).</summary>
    public static Dictionary<string, string?> Always(AntiDistillationAction action, bool shadow = false, string policy = "default") =>
        Policy(policy, shadow, (0, action));

    public static Dictionary<string, string?> Policy(string name, bool shadow, params (double MinRisk, AntiDistillationAction Action)[] bands)
    {
        var settings = new Dictionary<string, string?> { [$"{Policies}:{name}:Shadow"] = shadow ? "true" : "false" };
        for (int i = 0; i < bands.Length; i++)
        {
            settings[$"{Policies}:{name}:Bands:{i}:MinRisk"] = bands[i].MinRisk.ToString(CultureInfo.InvariantCulture);
            settings[$"{Policies}:{name}:Bands:{i}:Action"] = bands[i].Action.ToString();
        }

        return settings;
    }

    public static Dictionary<string, string?> With(this Dictionary<string, string?> settings, string key, string? value)
    {
        settings[key] = value;
        return settings;
    }

    public static Dictionary<string, string?> WithPolicy(this Dictionary<string, string?> settings, string policy, string field, string? value) =>
        settings.With($"{Policies}:{policy}:{field}", value);
}
