using System.Globalization;
using AntiDistill.Cli.Analyze;
using AntiDistill.Simulation;
using Microsoft.Extensions.DependencyInjection;

namespace AntiDistill.AspNetCore.Tests.Capture;

/// <summary>
/// The loop the capture exists for: live traffic through the middleware, captured, replayed offline by the analyzer,
/// and the same verdict for every account as the live engine had.
/// </summary>
public class CaptureReplayTests
{
    private const int MaxRequests = 1500;

    [Fact]
    public async Task Analyze_CapturedCampaignAmongOrganicUsers_SameVerdictPerAccountAsLiveEngine()
    {
        using var folder = new CaptureFolder();
        var settings = Settings.Always(AntiDistillationAction.Allow, shadow: true)
            .With("AntiDistillation:Http:TlsFingerprintHeader", SimulatedBodies.TlsHeader);
        var host = await TestHost.StartAsync(settings, b => b.AddRequestCapture(o =>
        {
            o.Directory = folder.Path;
            o.RetainPrompts = true;
            o.RotateEvery = TimeSpan.FromHours(6); // a simulated day in several files: replay reads them concatenated
        }));
        var traffic = new Scenario()
            .Add(new CampaignCotSweep(), 6)
            .Add(new OrganicCasual(), 20)
            .Add(new OrganicCodingAgent(), 3)
            .Add(new OrganicHeavyUser(), 1)
            .Generate(seed: 11, PromptLibrary.BuiltIn(11), TestHost.Start.AddMinutes(1), TimeSpan.FromDays(1))
            .Take(MaxRequests)
            .ToList();

        var live = new Dictionary<string, (Verdict Verdict, double Risk)>(StringComparer.Ordinal);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            foreach (var request in traffic)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), "the replay loop ran out of time"); // bounded in count and time
                if (request.Timestamp > host.Time.GetUtcNow())
                {
                    host.Time.SetUtcNow(request.Timestamp);
                }

                using var message = SimulatedBodies.ToHttp(request);
                using var response = await host.Client.SendAsync(message);
                Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}");
            }

            // Stopped first: linkage's loop and the capture writer are done (the writer drains and closes its file).
            await host.App.StopAsync();
            var engine = host.Services.GetRequiredService<DistillationEngine>();
            engine.ProcessLinkage();
            foreach (string account in traffic.Select(r => r.Account).Distinct())
            {
                var id = engine.Identities.Account(account);
                Assert.True(engine.TryAssess(id, out var assessment), $"{account} is not tracked");
                live[id.Value.ToString("x16", CultureInfo.InvariantCulture)] = (assessment.Verdict, Math.Round((double)assessment.Risk, 4));
            }
        }
        finally
        {
            await host.DisposeAsync();
        }

        Assert.True(folder.Files().Length >= 4, $"{folder.Files().Length} files for a day rotated every 6 hours");
        var report = await AnalyzeRunner.AnalyzeAsync(new AnalyzeSettings { LogPaths = [folder.Path], ParseThreads = 2 }, TextWriter.Null, CancellationToken.None);

        Assert.Equal(traffic.Count, report.Input.Records);
        Assert.Equal(0, report.Input.BadLines);
        Assert.Null(report.Input.Damage);
        var replayed = report.Accounts.ToDictionary(a => a.Account, a => (a.Verdict, a.Risk), StringComparer.Ordinal);
        Assert.Equal(live.Keys.Order(StringComparer.Ordinal), replayed.Keys.Order(StringComparer.Ordinal));

        // The verdicts, and the risks behind them to the report's four decimals: the replay rebuilt the same state.
        Assert.All(live, pair => Assert.True(replayed[pair.Key] == pair.Value, $"{pair.Key}: live {pair.Value}, replayed {replayed[pair.Key]}"));

        // Not a comparison of two empty answers: the campaign is caught and most users are not.
        Assert.Contains(live.Values, v => v.Verdict == Verdict.Campaign);
        Assert.True(live.Values.Count(v => v.Verdict == Verdict.Organic) >= 15, "most organic users stay organic");
    }
}
