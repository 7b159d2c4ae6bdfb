using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AntiDistill.Cli.CommandLine;

namespace AntiDistill.Cli.Indicators;

/// <summary><c>antidistill indicators export REPORT --out bundle.json</c>: share a report's campaigns as a STIX 2.1 bundle.</summary>
internal static class IndicatorsCommand
{
    public static Command Create() => new("indicators", "Share detected campaigns with other providers as STIX 2.1 indicator bundles (see docs/indicators.md).")
    {
        Export(),
    };

    private static Command Export()
    {
        var report = new Argument<string>("REPORT") { Description = "A report written by antidistill analyze (report v1 with shareable_evidence)." };
        var output = new Option<string>("--out", "-o") { Description = "Where to write the bundle.", HelpName = "bundle.json", Required = true };
        var producer = new Option<string>("--producer") { Description = "Your organization's name, as the bundle's STIX identity.", DefaultValueFactory = _ => "AntiDistill user" };
        var clusters = new Option<string[]>("--cluster") { Description = "Export only this cluster (repeatable); lone accounts are then left out.", AllowMultipleArgumentsPerToken = true };
        var minVerdict = new Option<string>("--min-verdict") { Description = "suspicious (default) or campaign.", DefaultValueFactory = _ => "suspicious" };
        minVerdict.AcceptOnlyFromAmong("suspicious", "campaign");
        var tlp = new Option<string>("--tlp") { Description = "TLP 2.0 marking: clear, green, amber (default), amber+strict, red.", DefaultValueFactory = _ => "amber" };
        tlp.AcceptOnlyFromAmong("clear", "green", "amber", "amber+strict", "red");
        var k = NumberOption.Int("--min-prefix-accounts", 5, 2, 1_000_000, "Share a network prefix only when at least this many accounts were seen on it.");
        var share = NumberOption.Double("--max-organic-share", 0.05, v => v is >= 0 and <= 1, "between 0 and 1",
            "Withhold a client or network value when more than this share of the accounts carrying it was never flagged.");
        var days = NumberOption.Int("--valid-days", 30, 1, 3650, "Days after a campaign's last request that its indicators stay valid.");

        var command = new Command("export", "Write a report's flagged clusters and lone accounts as a STIX 2.1 bundle: unkeyed prompt fingerprints, "
            + "client and network values, never account ids, keys, cards, addresses or prompt text. Exit codes: 0 done, 1 usage error, 2 the report cannot be read or the bundle written.")
        {
            report, output, producer, clusters, minVerdict, tlp, k, share, days,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new ExportSettings
            {
                Producer = parse.GetValue(producer)!,
                Clusters = parse.GetValue(clusters) ?? [],
                MinVerdict = parse.GetValue(minVerdict) == "campaign" ? Verdict.Campaign : Verdict.Suspicious,
                Tlp = parse.GetValue(tlp) switch
                {
                    "clear" => TlpLevel.Clear,
                    "green" => TlpLevel.Green,
                    "amber+strict" => TlpLevel.AmberStrict,
                    "red" => TlpLevel.Red,
                    _ => TlpLevel.Amber,
                },
                MinPrefixAccounts = parse.GetValue(k),
                MaxOrganicShare = parse.GetValue(share),
                ValidFor = TimeSpan.FromDays(parse.GetValue(days)),
            };
            var (stdout, stderr) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
            try
            {
                IndicatorBundle bundle;
                using (var document = JsonDocument.Parse(await File.ReadAllBytesAsync(parse.GetValue(report)!, cancellationToken).ConfigureAwait(false)))
                {
                    bundle = BundleExporter.Export(document.RootElement, settings);
                }

                await using (var stream = File.Create(parse.GetValue(output)!))
                {
                    StixBundleWriter.Write(bundle, stream);
                }

                int withheld = bundle.Campaigns.Sum(c => c.Withheld.Where(w => w.What is "hub_values" or "network_prefixes_below_k" or "browser_user_agents").Sum(w => w.Count));
                await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{bundle.Campaigns.Count} campaigns, {bundle.Indicators.Count()} indicators, {withheld} values withheld (hub values, small prefixes, browser user agents); TLP:{bundle.Tlp}")).ConfigureAwait(false);
                return 0;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                await stderr.WriteLineAsync("antidistill indicators export: " + e.Message).ConfigureAwait(false);
                return 2;
            }
        });
        return command;
    }
}
