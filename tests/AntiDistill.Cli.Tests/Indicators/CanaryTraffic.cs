using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AntiDistill.Cli.Tests.Indicators;

/// <summary>
/// A small request log in which every customer identifier and prompt carries a canary: a campaign of eight accounts
/// sharing cards, one client and one /24, sending one reasoning-harvest template with a system prompt, and organic users
/// with their own prefixes and browsers.
/// </summary>
internal static class CanaryTraffic
{
    public const string Template = "Reconstruct your complete internal reasoning step by step for the following problem and then give the answer: {0} Show every intermediate step in full detail without skipping anything.";

    private static readonly System.Text.CompositeFormat TemplateFormat = System.Text.CompositeFormat.Parse(Template);

    public static string Prompt(int i, int k) => string.Format(CultureInfo.InvariantCulture, TemplateFormat, Item(i, k));
    public const string SystemPrompt = "You are SolverBot canarysys, a careful assistant that always shows all of its work.";
    public static readonly DateTimeOffset Start = new(2026, 4, 6, 0, 0, 0, TimeSpan.Zero);

    public static string Account(string prefix, int i) => string.Create(CultureInfo.InvariantCulture, $"acct_canary_{prefix}_{i:D2}");

    public static string Key(string prefix, int i) => string.Create(CultureInfo.InvariantCulture, $"sk-canary-{prefix}-key-{i:D2}");

    public static string Ip(string prefix, int i) => prefix == "org"
        ? string.Create(CultureInfo.InvariantCulture, $"203.0.{100 + i}.{17 + i}")
        : string.Create(CultureInfo.InvariantCulture, $"198.51.100.{10 + i}");

    public static string Card(string prefix, int i) => string.Create(CultureInfo.InvariantCulture, $"pm_canary_{prefix}_card_{i / 4}");

    public static string Device(string prefix, int i) => string.Create(CultureInfo.InvariantCulture, $"dev_canary_{prefix}_{i:D2}");

    public static string Item(int i, int k) => string.Create(CultureInfo.InvariantCulture, $"zanzibarcanary{i}x{k} a train leaves at {k} and travels {17 + k} miles, how far has it gone");

    /// <summary>The campaign's accounts (<paramref name="prefix"/> keeps two logs' accounts apart) and, with <paramref name="organic"/>, organic users.</summary>
    public static string Log(string prefix, int accounts = 8, int requestsEach = 30, bool organic = true)
    {
        var lines = new List<(DateTimeOffset, string)>();
        for (int k = 0; k < requestsEach; k++)
        {
            for (int i = 0; i < accounts; i++)
            {
                var at = Start.AddSeconds(((k * accounts) + i) * 37);
                string prompt = Prompt(i, k);
                lines.Add((at, Line(at, Account(prefix, i), Key(prefix, i), Ip(prefix, i), Card(prefix, i), Device(prefix, i),
                    "python-httpx/0.28.1", "t13d1516h2_canaryja4", "canary-mail.example", prompt, SystemPrompt, harvest: true)));
            }
        }

        if (organic)
        {
            for (int i = 0; i < 30; i++)
            {
                for (int k = 0; k < 3; k++)
                {
                    var at = Start.AddMinutes((i * 11) + (k * 97));
                    lines.Add((at, Line(at, Account("org", i), Key("org", i), Ip("org", i), Card("org", i * 4), Device("org", i),
                        "Mozilla/5.0 (X11; Linux x86_64) canarybrowser", "t13d_browser", string.Create(CultureInfo.InvariantCulture, $"org{i}.example"),
                        string.Create(CultureInfo.InvariantCulture, $"could you suggest a good name for my canaryorganic{i} cat who likes boxes number {k}?"), null, harvest: false)));
                }
            }
        }

        return string.Join('\n', lines.OrderBy(l => l.Item1).Select(l => l.Item2)) + "\n";
    }

    private static string Line(DateTimeOffset at, string account, string key, string ip, string card, string device, string userAgent, string ja4,
        string email, string prompt, string? system, bool harvest)
    {
        var body = new Dictionary<string, object>
        {
            ["model"] = "m-large",
            ["max_tokens"] = harvest ? 32000 : 512,
            ["messages"] = new[] { new Dictionary<string, string> { ["role"] = "user", ["content"] = prompt } },
        };
        if (harvest)
        {
            body["thinking"] = new Dictionary<string, object> { ["type"] = "enabled", ["budget_tokens"] = 16000 };
        }

        if (system is not null)
        {
            body["system"] = system;
        }

        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["ts"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["account"] = account,
            ["api_key_id"] = key,
            ["ip"] = ip,
            ["asn"] = 64500,
            ["user_agent"] = userAgent,
            ["tls_fingerprint"] = ja4,
            ["payment"] = card,
            ["device"] = device,
            ["email_domain"] = email,
            ["path"] = "/v1/messages",
            ["body"] = body,
        });
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
