using System.CommandLine;
using AntiDistill.Cli.Simulate;

namespace AntiDistill.Cli.Tests.Simulate;

/// <summary>Runs <c>simulate</c> in-process through its System.CommandLine command, capturing the exit code and output.</summary>
internal static class SimulatedLog
{
    /// <summary>Small enough to write in about a second, large enough to hold every population.</summary>
    public static readonly string[] SmallRun = ["--scale", "0.05", "--days", "2"];

    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var root = new RootCommand { SimulateCommand.Create() };
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = await root.Parse(["simulate", .. args]).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });
        return (code, stdout.ToString(), stderr.ToString());
    }
}

/// <summary>A temporary directory removed after the test class.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("antidistill-sim-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>One small simulated log (and its gzip twin) shared by the tests that only read it.</summary>
public sealed class SmallLogFixture : IAsyncLifetime
{
    public TempDirectory Directory { get; } = new();

    public string Log => Directory.File("small.jsonl");

    public string GzipLog => Directory.File("small-gz.jsonl.gz");

    public string[] Lines { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var plain = await SimulatedLog.RunAsync(["--out", Log, .. SimulatedLog.SmallRun]);
        Assert.True(plain.Code == 0, plain.Stderr);
        var gzip = await SimulatedLog.RunAsync(["--out", GzipLog, .. SimulatedLog.SmallRun]);
        Assert.True(gzip.Code == 0, gzip.Stderr);
        Lines = await System.IO.File.ReadAllLinesAsync(Log);
    }

    public Task DisposeAsync()
    {
        Directory.Dispose();
        return Task.CompletedTask;
    }
}
