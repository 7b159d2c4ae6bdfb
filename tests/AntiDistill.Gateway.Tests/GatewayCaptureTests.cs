using System.IO.Compression;

namespace AntiDistill.Gateway.Tests;

/// <summary>The gateway's switch for request capture (Gateway:Capture), which benchmarks/gateway turns on to measure its cost.</summary>
public sealed class GatewayCaptureTests
{
    [Fact]
    public async Task Proxy_CaptureDirectorySet_EveryScoredRequestWritten()
    {
        string directory = Path.Combine(Path.GetTempPath(), "antidistill-gateway-capture", Guid.NewGuid().ToString("N"));
        try
        {
            await using (var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Gateway:Capture"] = directory }))
            {
                foreach (string path in Traffic.Paths)
                {
                    using var response = await gateway.PostAsync(path, Traffic.Organic(path, 1, stream: true), "key-organic");
                    await response.Content.ReadAsStringAsync();
                }
            }

            var lines = Directory.GetFiles(directory, "*.jsonl.gz").SelectMany(file =>
            {
                using var reader = new StreamReader(new GZipStream(File.OpenRead(file), CompressionMode.Decompress));
                return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            }).ToList();
            Assert.Equal(Traffic.Paths.Length, lines.Count);
            Assert.All(lines, line => Assert.Contains("\"status\":200", line, StringComparison.Ordinal));
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
