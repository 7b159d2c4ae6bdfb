using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace AntiDistill.Cli.Tests.Analyze;

/// <summary>Runs <c>antidistill analyze</c> in-process on a log written to a temporary directory.</summary>
public sealed class AnalyzeRun : IDisposable
{
    public AnalyzeRun() => Directory.CreateDirectory(Folder);

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "antidistill-tests", Guid.NewGuid().ToString("N"));

    public string ReportPath => Path.Combine(Folder, "report.json");

    public string Write(string name, string content, bool gzip = false)
    {
        string path = Path.Combine(Folder, name);
        using var file = File.Create(path);
        using Stream stream = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        stream.Write(Encoding.UTF8.GetBytes(content));
        return path;
    }

    public static async Task<(int Exit, string Out, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await CliApp.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>Analyzes <paramref name="log"/> into <see cref="ReportPath"/> and parses the report.</summary>
    public async Task<(JsonDocument Report, string Error)> AnalyzeAsync(string log, params string[] extra)
    {
        var (exit, _, error) = await RunAsync(["analyze", log, "--out", ReportPath, .. extra]);
        Assert.True(exit == 0, $"exit {exit}: {error}");
        return (JsonDocument.Parse(await File.ReadAllBytesAsync(ReportPath)), error);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A valid line with a prompt (no body): bodies are the readers' business, the analyzer's is the line.</summary>
    public static string Line(string account, DateTimeOffset ts, string prompt = "hello there, how are you today?") =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["ts"] = ts.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"), ["account"] = account, ["prompt"] = prompt });
}
