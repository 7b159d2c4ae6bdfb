using System.Globalization;

namespace AntiDistill.Simulation;

/// <summary>Where simulated requests come from: residential and cloud networks, browsers and scripts, cards, devices.</summary>
internal static class Clients
{
    private static readonly (string Agent, string Tls)[] Browsers =
    [
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/141.0", "ja4_chrome_141"),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Safari/605.1", "ja4_safari_18"),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:144.0) Firefox/144.0", "ja4_firefox_144"),
        ("openai-python/2.3.0", "ja4_python_312"),
        ("anthropic-sdk-typescript/0.60.0", "ja4_node_22"),
    ];

    private static readonly string[] PublicMail = ["gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me", "hotmail.com"];

    public static string ResidentialIp(Random rng) => string.Create(CultureInfo.InvariantCulture,
        $"{rng.Next(24, 220)}.{rng.Next(0, 256)}.{rng.Next(0, 256)}.{rng.Next(1, 255)}");

    public static int ResidentialAsn(Random rng) => Networks.ResidentialAsnFirst + rng.Next(400);

    /// <summary>A person's own client: their network, browser or SDK, card, device, mailbox.</summary>
    public static ClientProfile Person(string account, Random rng)
    {
        var (agent, tls) = Browsers[rng.Next(Browsers.Length)];
        return new ClientProfile
        {
            Ip = ResidentialIp(rng),
            Asn = ResidentialAsn(rng),
            UserAgent = agent,
            TlsFingerprint = tls,
            Payment = "pm_" + account,
            Device = "dev_" + account,
            EmailDomain = PublicMail[rng.Next(PublicMail.Length)],
            AccountCreated = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(rng.Next(0, 500_000)),
        };
    }
}
