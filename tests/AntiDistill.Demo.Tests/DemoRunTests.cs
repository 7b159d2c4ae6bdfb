namespace AntiDistill.Demo.Tests;

/// <summary>The README's first command, in-process at a tiny scale: it must find the hydra and write both reports.</summary>
public sealed class DemoRunTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("antidistill-demo-").FullName;

    [Fact]
    public async Task RunAsync_TinyTrafficMix_FindsTheHydraAndWritesBothReports()
    {
        var settings = new DemoSettings { Output = _folder, Scale = 0.05, Days = 2, Seed = 1 };
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var (code, findings) = await DemoRun.RunWithFindingsAsync(settings, stdout, stderr);

        Assert.True(code == 0, $"exit {code}: {stderr}");
        Assert.NotNull(findings);

        // The hydra (15 accounts at this scale) ends in one cluster rated campaign, mostly of its own accounts.
        var hydra = findings.Clusters.Where(c => c.Verdict == "campaign")
            .Select(c => (Cluster: c, Members: c.Accounts.Count(a => findings.Accounts.Single(f => f.Account == a).Population == "campaign_hydra")))
            .MaxBy(x => x.Members);
        Assert.True(hydra.Members >= 10, $"largest hydra share of a campaign cluster: {hydra.Members}\n{stdout}");
        Assert.True(hydra.Members * 2 > hydra.Cluster.Accounts.Count, $"the hydra's cluster is mostly other accounts\n{stdout}");
        Assert.All(findings.Accounts.Where(a => a.Population == "organic_casual"), a => Assert.Equal("organic", a.Verdict));

        string printed = stdout.ToString();
        Assert.Contains(hydra.Cluster.Id, printed, StringComparison.Ordinal);
        Assert.Contains(Path.GetFullPath(settings.Report), printed, StringComparison.Ordinal);
        Assert.Contains(Path.GetFullPath(settings.Html), printed, StringComparison.Ordinal);
        Assert.StartsWith("{", await File.ReadAllTextAsync(settings.Report), StringComparison.Ordinal);
        Assert.Contains("<html", await File.ReadAllTextAsync(settings.Html), StringComparison.OrdinalIgnoreCase);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
