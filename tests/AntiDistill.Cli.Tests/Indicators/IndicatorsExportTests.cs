using System.IO.Hashing;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AntiDistill.Cli.Tests.Analyze;

namespace AntiDistill.Cli.Tests.Indicators;

public sealed class IndicatorsExportTests : IDisposable
{
    /// <summary>The analyzer's fixed offline key (AnalyzeRunner.IdentityKey): the keyed hashes an export must not leak.</summary>
    private const string AnalyzerKey = "YW50aWRpc3RpbGwtYW5hbHl6ZS1vZmZsaW5lLWtleS0x";

    private readonly AnalyzeRun _run = new();

    public void Dispose() => _run.Dispose();

    [Fact]
    public async Task Export_CanaryTraffic_NoIdentifierOrPromptInClearOrHashed()
    {
        string bundle = await ExportAsync(_run.Write("a.jsonl", CanaryTraffic.Log("cmp")));
        var patterns = Patterns(bundle);

        // The bundle has content to hide things in: the campaign's frames and system prompt, its shared /24, its client.
        Assert.Contains(patterns, p => p.Contains("x-antidistill-prompt:opening_frame", StringComparison.Ordinal));
        Assert.Contains(patterns, p => p.Contains("x-antidistill-prompt:system_prompt", StringComparison.Ordinal));
        Assert.Contains("[ipv4-addr:value ISSUBSET '198.51.100.0/24']", patterns);
        Assert.Contains(patterns, p => p.Contains("t13d1516h2_canaryja4", StringComparison.Ordinal));

        var secrets = new List<string>();
        for (int i = 0; i < 30; i++)
        {
            foreach (string prefix in new[] { "cmp", "org" })
            {
                secrets.AddRange([CanaryTraffic.Account(prefix, i), CanaryTraffic.Key(prefix, i), CanaryTraffic.Ip(prefix, i), CanaryTraffic.Card(prefix, i), CanaryTraffic.Device(prefix, i)]);
            }
        }

        var hasher = new IdentityHasher(Convert.FromBase64String(AnalyzerKey));
        foreach (string secret in secrets.Distinct())
        {
            Assert.DoesNotContain(secret, bundle, StringComparison.OrdinalIgnoreCase);
            foreach (string rendering in Hashes(secret, hasher))
            {
                Assert.DoesNotContain(rendering, bundle, StringComparison.OrdinalIgnoreCase);
            }
        }

        // Prompt text: none of its words, and prompt-derived values only as the documented fingerprints.
        foreach (string word in new[] { "zanzibarcanary", "canarysys", "SolverBot", "Reconstruct", "canaryorganic", "train leaves" })
        {
            Assert.DoesNotContain(word, bundle, StringComparison.OrdinalIgnoreCase);
        }

        var allowed = new HashSet<string>(StringComparer.Ordinal) { PromptFingerprints.Format(PromptFingerprints.SystemPrompt(CanaryTraffic.Utf8(CanaryTraffic.SystemPrompt))) };
        for (int i = 0; i < 8; i++)
        {
            for (int k = 0; k < 30; k++)
            {
                var (opening, closing) = PromptFingerprints.Frames(CanaryTraffic.Utf8(CanaryTraffic.Prompt(i, k)));
                allowed.Add(PromptFingerprints.Format(opening));
                allowed.Add(PromptFingerprints.Format(closing));
            }
        }

        foreach (string pattern in patterns.Where(p => p.Contains("x-antidistill-prompt", StringComparison.Ordinal)))
        {
            string value = pattern.Split('\'')[1];
            Assert.Contains(value, allowed);
        }
    }

    [SharedDataFact]
    public async Task Export_CanaryTraffic_ValidatesAgainstOfficialSchemas()
    {
        string bundle = await ExportAsync(_run.Write("a.jsonl", CanaryTraffic.Log("cmp")));
        Assert.Empty(StixSchemas.Errors(Encoding.UTF8.GetBytes(bundle)));
    }

    [Fact]
    public async Task AnalyzeWithIndicators_OtherProvidersCampaign_FlaggedOnFirstRequestNamingIndicator()
    {
        string bundlePath = Path.Combine(_run.Folder, "a.bundle.json");
        await ExportAsync(_run.Write("a.jsonl", CanaryTraffic.Log("cmp")), bundlePath);
        string other = _run.Write("b.jsonl", CanaryTraffic.Log("other", accounts: 3, requestsEach: 5, organic: true));

        var (without, _) = await _run.AnalyzeAsync(other);
        var before = Accounts(without).Where(a => a.GetProperty("account").GetString()!.Contains("_other_", StringComparison.Ordinal)).ToList();
        Assert.All(before, a => Assert.NotEqual(1, a.GetProperty("first_flagged_request").ValueKind == JsonValueKind.Number ? a.GetProperty("first_flagged_request").GetInt32() : 0));

        var (with, error) = await _run.AnalyzeAsync(other, "--indicators", bundlePath);
        Assert.Contains("indicators:", error, StringComparison.Ordinal);
        var accounts = Accounts(with).ToList();
        foreach (var account in accounts.Where(a => a.GetProperty("account").GetString()!.Contains("_other_", StringComparison.Ordinal)))
        {
            Assert.Equal(1, account.GetProperty("first_flagged_request").GetInt32());
            var match = account.GetProperty("indicator_match");
            Assert.Equal("AntiDistill test", match.GetProperty("producer").GetString());
            Assert.StartsWith("indicator--", match.GetProperty("id").GetString(), StringComparison.Ordinal);
            Assert.Contains(account.GetProperty("signals").EnumerateArray(), s => s.GetProperty("name").GetString() == "indicator_match");
        }

        Assert.All(accounts.Where(a => a.GetProperty("account").GetString()!.Contains("_org_", StringComparison.Ordinal)),
            a => Assert.Equal(JsonValueKind.Null, a.GetProperty("first_flagged_request").ValueKind));
    }

    [Fact]
    public async Task Export_MinVerdictAndCluster_Narrow()
    {
        string log = _run.Write("a.jsonl", CanaryTraffic.Log("cmp"));
        await _run.AnalyzeAsync(log);
        string report = _run.ReportPath;
        string cluster = JsonDocument.Parse(File.ReadAllBytes(report)).RootElement.GetProperty("clusters")[0].GetProperty("id").GetString()!;

        var (exit, output, error) = await AnalyzeRun.RunAsync("indicators", "export", report, "--out", Path.Combine(_run.Folder, "one.json"), "--cluster", "c-9999");
        Assert.True(exit == 0, error);
        Assert.StartsWith("0 campaigns", output, StringComparison.Ordinal);

        (exit, output, error) = await AnalyzeRun.RunAsync("indicators", "export", report, "--out", Path.Combine(_run.Folder, "two.json"), "--cluster", cluster, "--tlp", "red");
        Assert.True(exit == 0, error);
        Assert.StartsWith("1 campaigns", output, StringComparison.Ordinal);
        Assert.Contains("marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", File.ReadAllText(Path.Combine(_run.Folder, "two.json")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnalyzeWithIndicators_NotABundle_ExitTwo()
    {
        string log = _run.Write("a.jsonl", CanaryTraffic.Log("cmp", accounts: 2, requestsEach: 2, organic: false));
        string bad = _run.Write("bad.json", "{ not json");
        var (exit, _, error) = await AnalyzeRun.RunAsync("analyze", log, "--out", _run.ReportPath, "--indicators", bad);
        Assert.Equal(2, exit);
        Assert.Contains("cannot read indicator bundle", error, StringComparison.Ordinal);
    }

    private async Task<string> ExportAsync(string log, string? output = null)
    {
        await _run.AnalyzeAsync(log);
        output ??= Path.Combine(_run.Folder, "bundle.json");
        var (exit, _, error) = await AnalyzeRun.RunAsync("indicators", "export", _run.ReportPath, "--out", output, "--producer", "AntiDistill test");
        Assert.True(exit == 0, error);
        return await File.ReadAllTextAsync(output);
    }

    private static List<JsonElement> Accounts(JsonDocument report) => [.. report.RootElement.GetProperty("accounts").EnumerateArray()];

    private static List<string> Patterns(string bundle) =>
        [.. JsonDocument.Parse(bundle).RootElement.GetProperty("objects").EnumerateArray()
            .Where(o => o.GetProperty("type").GetString() == "indicator").Select(o => o.GetProperty("pattern").GetString()!)];

    /// <summary>Every way a value could appear hashed: the engine's keyed hashes (and the prefix's), and common unkeyed digests.</summary>
    private static IEnumerable<string> Hashes(string secret, IdentityHasher hasher)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(secret);
        var values = new List<ulong> { hasher.Hash(secret), XxHash3.HashToUInt64(bytes), XxHash64.HashToUInt64(bytes), XxHash3.HashToUInt64(bytes) | 1 };
        if (IPAddress.TryParse(secret, out var ip))
        {
            values.Add(hasher.IpPrefix(ip));
        }

        foreach (ulong v in values)
        {
            yield return v.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
            yield return v.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        yield return Convert.ToHexString(SHA256.HashData(bytes));
#pragma warning disable CA5350, CA5351 // looking for weak digests of the canaries is the point
        yield return Convert.ToHexString(MD5.HashData(bytes));
        yield return Convert.ToHexString(SHA1.HashData(bytes));
#pragma warning restore CA5350, CA5351
        yield return Convert.ToBase64String(SHA256.HashData(bytes));
    }
}
