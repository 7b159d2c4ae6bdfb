using System.Text.Json;
using AntiDistill.Cli.Simulate;
using AntiDistill.Cli.Tests.Analyze;
using AntiDistill.Simulation;

namespace AntiDistill.Cli.Tests.Report;

/// <summary>A seeded hydra among organic users, written as request-log v1 and analyzed once per class.</summary>
public sealed class SeededReportFixture : IDisposable
{
    public SeededReportFixture()
    {
        var traffic = new Scenario()
            .Add(new CampaignHydra(), 40)
            .Add(new OrganicCasual(), 120)
            .Generate(7, PromptLibrary.BuiltIn(7), new DateTimeOffset(2026, 4, 6, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromDays(2));
        Log = Path.Combine(Run.Folder, "log.jsonl");
        using (var stream = File.Create(Log))
        using (var writer = new RequestLogWriter(stream, 7))
        {
            foreach (var request in traffic)
            {
                writer.Write(request);
                Population[writer.AccountId(request.Account)] = request.Population;
            }
        }

        (Report, _) = Run.AnalyzeAsync(Log).GetAwaiter().GetResult();
        Bytes = File.ReadAllBytes(Run.ReportPath);
    }

    public AnalyzeRun Run { get; } = new();

    public string Log { get; }

    public Dictionary<string, string> Population { get; } = new(StringComparer.Ordinal);

    public JsonDocument Report { get; }

    public byte[] Bytes { get; }

    public void Dispose()
    {
        Report.Dispose();
        Run.Dispose();
    }
}

public sealed class SeededReportTests(SeededReportFixture fixture) : IClassFixture<SeededReportFixture>
{
    private JsonElement Root => fixture.Report.RootElement;

    private IEnumerable<JsonElement> Accounts(string population) =>
        Root.GetProperty("accounts").EnumerateArray().Where(a => fixture.Population[a.GetProperty("account").GetString()!] == population);

    [Fact]
    public void Report_EveryAccountExactlyOnce_WithValidVerdictAndRisk()
    {
        var names = Root.GetProperty("accounts").EnumerateArray().Select(a => a.GetProperty("account").GetString()!).ToList();

        Assert.Equal("antidistill.report/v1", Root.GetProperty("schema").GetString());
        Assert.Equal(fixture.Population.Keys.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
        Assert.Equal(names.Count, Root.GetProperty("input").GetProperty("accounts").GetInt32());
        foreach (var account in Root.GetProperty("accounts").EnumerateArray())
        {
            Assert.Contains(account.GetProperty("verdict").GetString(), new[] { "organic", "suspicious", "campaign" });
            double risk = account.GetProperty("risk").GetDouble();
            Assert.InRange(risk, 0, 1);
            Assert.All(account.GetProperty("signals").EnumerateArray(), s => Assert.False(string.IsNullOrEmpty(s.GetProperty("name").GetString())));
        }
    }

    [Fact]
    public void Report_ClusterField_NullExactlyForAccountsInNoCluster()
    {
        var members = Root.GetProperty("clusters").EnumerateArray()
            .SelectMany(c => c.GetProperty("accounts").EnumerateArray().Select(a => (Account: a.GetString()!, Id: c.GetProperty("id").GetString()!)))
            .ToDictionary(m => m.Account, m => m.Id, StringComparer.Ordinal);

        Assert.All(Root.GetProperty("clusters").EnumerateArray(), c => Assert.Matches("^c-[0-9]{4,}$", c.GetProperty("id").GetString()!));
        foreach (var account in Root.GetProperty("accounts").EnumerateArray())
        {
            var cluster = account.GetProperty("cluster");
            if (members.TryGetValue(account.GetProperty("account").GetString()!, out var id))
            {
                Assert.Equal(id, cluster.GetString());
            }
            else
            {
                Assert.Equal(JsonValueKind.Null, cluster.ValueKind);
            }
        }
    }

    [Fact]
    public void Report_Hydra_FlaggedEarlyAndClustered()
    {
        var hydra = Accounts("campaign_hydra").ToList();

        Assert.Equal(40, hydra.Count);
        Assert.All(hydra, a => Assert.NotEqual("organic", a.GetProperty("verdict").GetString()));
        Assert.All(hydra, a => Assert.Equal(JsonValueKind.String, a.GetProperty("cluster").ValueKind));
        var firstFlagged = hydra.Select(a => a.GetProperty("first_flagged_request").GetInt32()).Order().ToList();
        Assert.InRange(firstFlagged[firstFlagged.Count / 2], 1, 20);
        Assert.All(hydra, a => Assert.InRange(a.GetProperty("first_flagged_request").GetInt32(), 1, a.GetProperty("requests").GetInt32()));
    }

    [Fact]
    public void Report_OrganicUsers_NotFlagged()
    {
        var organic = Accounts("organic_casual").ToList();

        Assert.True(organic.Count >= 60, $"only {organic.Count} casual users were active");
        Assert.All(organic, a => Assert.Equal(JsonValueKind.Null, a.GetProperty("first_flagged_request").ValueKind));
        Assert.All(organic, a => Assert.Equal("organic", a.GetProperty("verdict").GetString()));
    }

    [Fact]
    public async Task Analyze_SameLogAgainWithOneParsingThread_ByteIdenticalReport()
    {
        string again = Path.Combine(fixture.Run.Folder, "again.json");

        var (exit, _, error) = await AnalyzeRun.RunAsync("analyze", fixture.Log, "--out", again, "--threads", "1");

        Assert.True(exit == 0, error);
        Assert.Equal(fixture.Bytes, await File.ReadAllBytesAsync(again));
    }
}
