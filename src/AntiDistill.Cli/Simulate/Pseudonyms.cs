using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace AntiDistill.Cli.Simulate;

/// <summary>
/// Turns the simulator's readable identifiers (<c>campaign_hydra_9_00001</c>, <c>pm_op123_4</c>) into the opaque
/// strings a real export holds (<c>acct_3f9c…</c>, <c>pm_fp_…</c>), so nothing in the log gives the truth away.
/// Keyed by the seed: the same seed gives the same names, another seed unrelated ones.
/// </summary>
internal sealed class Pseudonyms(int seed)
{
    private readonly Dictionary<string, string> _cache = new(StringComparer.Ordinal);

    public string Account(string name) => Map("acct_", name, 12);

    public string ApiKey(string account) => Map("key_", account, 10);

    public string Payment(string? value) => Map("pm_fp_", value, 10);

    public string Device(string? value) => Map("dev_", value, 12);

    public string Org(string? value) => Map("org_", value, 8);

    /// <summary>A JA4-shaped fingerprint for a client family label such as <c>ja4_chrome_141</c>.</summary>
    public string Tls(string? label)
    {
        if (string.IsNullOrEmpty(label))
        {
            return "";
        }

        string key = "tls|" + label;
        if (!_cache.TryGetValue(key, out string? value))
        {
            ulong a = Hash(label, 1) & 0xFFFF_FFFF_FFFFUL;
            ulong b = Hash(label, 2) & 0xFFFF_FFFF_FFFFUL;
            value = string.Create(CultureInfo.InvariantCulture, $"t13d{15 + (int)(a % 5)}{10 + (int)(b % 8)}h2_{a:x12}_{b:x12}");
            _cache[key] = value;
        }

        return value;
    }

    private string Map(string prefix, string? name, int hexDigits)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "";
        }

        string key = prefix + name;
        if (!_cache.TryGetValue(key, out string? value))
        {
            ulong hash = Hash(key, 0);
            value = prefix + hash.ToString("x16", CultureInfo.InvariantCulture)[..hexDigits];
            _cache[key] = value;
        }

        return value;
    }

    private ulong Hash(string text, long salt) =>
        XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(text), unchecked((seed * (long)0x9E3779B97F4A7C15UL) + salt));
}
