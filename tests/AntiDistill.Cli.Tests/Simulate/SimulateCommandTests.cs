using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text.Json;
using AntiDistill.Cli.Simulate;
using AntiDistill.Requests;

namespace AntiDistill.Cli.Tests.Simulate;

public class SimulateCommandTests(SmallLogFixture fixture) : IClassFixture<SmallLogFixture>
{
    private static readonly string[] Paths = ["/v1/chat/completions", "/v1/responses", "/v1/messages"];

    [Fact]
    public void Simulate_SmallScale_EveryLineIsRequestLogV1()
    {
        Assert.True(fixture.Lines.Length > 1000, $"only {fixture.Lines.Length} lines");
        for (int i = 0; i < fixture.Lines.Length; i++)
        {
            using var doc = JsonDocument.Parse(fixture.Lines[i]);
            var r = doc.RootElement;
            string at = $"line {i + 1}";
            Assert.True(r.ValueKind == JsonValueKind.Object, at);
            Assert.True(DateTimeOffset.TryParseExact(r.GetProperty("ts").GetString(), "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _), at);
            Assert.StartsWith("acct_", r.GetProperty("account").GetString(), StringComparison.Ordinal);
            Assert.Equal(JsonValueKind.Object, r.GetProperty("body").ValueKind);
            Assert.Contains(r.GetProperty("path").GetString(), Paths);
            Assert.True(IPAddress.TryParse(r.GetProperty("ip").GetString(), out _), at);
            Assert.Equal(JsonValueKind.Number, r.GetProperty("asn").ValueKind);
            Assert.Equal(JsonValueKind.String, r.GetProperty("asn_org").ValueKind);
            Assert.Equal(JsonValueKind.Number, r.GetProperty("input_tokens").ValueKind);
            Assert.Equal(JsonValueKind.Number, r.GetProperty("output_tokens").ValueKind);
            Assert.Equal(JsonValueKind.Number, r.GetProperty("status").ValueKind);
            foreach (string name in (string[])["api_key_id", "user_agent", "tls_fingerprint", "payment", "email_domain"])
            {
                Assert.True(r.GetProperty(name).ValueKind == JsonValueKind.String, $"{at}: {name}");
            }

            if (r.TryGetProperty("account_created", out var created))
            {
                Assert.True(DateTimeOffset.TryParse(created.GetString(), CultureInfo.InvariantCulture, out _), at);
            }
        }
    }

    [Fact]
    public void Simulate_EveryBody_ReadByTheEngineAsItsPathSays()
    {
        var content = new RequestContent();
        var formats = new HashSet<RequestFormat>();
        foreach (string line in fixture.Lines)
        {
            using var doc = JsonDocument.Parse(line);
            string body = doc.RootElement.GetProperty("body").GetRawText();
            string path = doc.RootElement.GetProperty("path").GetString()!;
            var status = RequestBodyReader.Default.Read(System.Text.Encoding.UTF8.GetBytes(body), path, content);
            Assert.True(status == RequestReadStatus.Ok, $"{status} for {path}: {body[..Math.Min(300, body.Length)]}");
            Assert.False(content.Prompt.IsEmpty, body[..Math.Min(300, body.Length)]);
            formats.Add(content.Format);
        }

        Assert.Equal(3, formats.Count);
    }

    [Fact]
    public void Simulate_SmallScale_AllThreeBodyFormatsPresent()
    {
        var counts = fixture.Lines.GroupBy(l => JsonDocument.Parse(l).RootElement.GetProperty("path").GetString()).ToDictionary(g => g.Key!, g => g.Count());
        Assert.All(Paths, p => Assert.True(counts.GetValueOrDefault(p) >= 50, $"{p}: {counts.GetValueOrDefault(p)} lines"));
    }

    [Fact]
    public void Simulate_TruthFile_ListsEveryPopulationAndEveryLoggedAccount()
    {
        string[] rows = File.ReadAllLines(TruthFile.PathFor(fixture.Log));
        Assert.Equal(TruthFile.Header, rows[0]);
        var truth = rows.Skip(1).Select(r => r.Split(',')).ToDictionary(f => f[0], f => (Population: f[1], Campaign: f[2], Requests: int.Parse(f[3], CultureInfo.InvariantCulture)));

        Assert.Equal(SimulationMix.PopulationNames.Order(), truth.Values.Select(t => t.Population).Distinct().Order());
        Assert.All(truth.Values, t => Assert.Equal(t.Population.StartsWith("campaign_", StringComparison.Ordinal) ? "yes" : "no", t.Campaign));

        var logged = fixture.Lines.GroupBy(l => JsonDocument.Parse(l).RootElement.GetProperty("account").GetString()!).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(logged.Keys.Order(), truth.Keys.Order());
        Assert.All(logged, kv => Assert.Equal(kv.Value, truth[kv.Key].Requests));
    }

    [Fact]
    public void Simulate_Log_GivesNoTruthAway()
    {
        string text = File.ReadAllText(fixture.Log);
        foreach (string population in SimulationMix.PopulationNames)
        {
            Assert.DoesNotContain(population, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Simulate_LineOrder_FollowsTsUpToTwoSecondsOfJitter()
    {
        var latest = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
        int outOfOrder = 0;
        foreach (string line in fixture.Lines)
        {
            var ts = DateTimeOffset.Parse(JsonDocument.Parse(line).RootElement.GetProperty("ts").GetString()!, CultureInfo.InvariantCulture);
            Assert.True(ts >= latest - TimeSpan.FromSeconds(2), $"{ts:O} after {latest:O}");
            outOfOrder += ts < latest ? 1 : 0;
            latest = ts > latest ? ts : latest;
        }

        // Some jitter (as real logs have), but the log is essentially in time order.
        Assert.InRange(outOfOrder, 1, fixture.Lines.Length / 20);
    }

    [Fact]
    public void Simulate_AgentLoops_GrowBodiesPastTenKiB()
    {
        int large = fixture.Lines.Count(l => System.Text.Encoding.UTF8.GetByteCount(l) > 10 * 1024);
        Assert.True(large >= 20, $"{large} lines over 10 KiB");
    }

    [Fact]
    public async Task Simulate_GzipOutput_DecompressesToTheSameLog()
    {
        await using var gzip = new GZipStream(File.OpenRead(fixture.GzipLog), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        string decompressed = await reader.ReadToEndAsync();
        Assert.Equal(await File.ReadAllTextAsync(fixture.Log), decompressed);
        Assert.Equal(File.ReadAllText(TruthFile.PathFor(fixture.Log)), File.ReadAllText(TruthFile.PathFor(fixture.GzipLog)).Replace("small-gz", "small", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Simulate_SameSeed_SameBytes_OtherSeed_OtherLog()
    {
        using var dir = new TempDirectory();
        Assert.Equal(0, (await SimulatedLog.RunAsync(["--out", dir.File("again.jsonl"), .. SimulatedLog.SmallRun])).Code);
        Assert.Equal(0, (await SimulatedLog.RunAsync(["--out", dir.File("other.jsonl"), "--seed", "2", .. SimulatedLog.SmallRun])).Code);

        Assert.Equal(await File.ReadAllBytesAsync(fixture.Log), await File.ReadAllBytesAsync(dir.File("again.jsonl")));
        Assert.Equal(await File.ReadAllBytesAsync(TruthFile.PathFor(fixture.Log)), await File.ReadAllBytesAsync(dir.File("again.truth.csv")));
        Assert.NotEqual(await File.ReadAllTextAsync(fixture.Log), await File.ReadAllTextAsync(dir.File("other.jsonl")));
    }

    [Theory]
    [InlineData("log.json", "--out must end in .jsonl or .jsonl.gz")]
    [InlineData("log.jsonl", "--scale must be greater than 0", "--scale", "0")]
    [InlineData("log.jsonl", "--days must be between 1 and 365", "--days", "0")]
    [InlineData("log.jsonl", "--scale times --days must be at most 70", "--scale", "20")]
    [InlineData("log.jsonl", "no corpora directory", "--corpora", "missing-corpora-dir")]
    public async Task Simulate_BadArguments_OneClearErrorAndNonZeroExit(string name, string message, params string[] extra)
    {
        using var dir = new TempDirectory();
        string[] args = ["--out", dir.File(name), .. extra.Select(e => e == "missing-corpora-dir" ? dir.File(e) : e)];

        var (code, _, stderr) = await SimulatedLog.RunAsync(args);

        Assert.NotEqual(0, code);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File(name)));
    }

    [Fact]
    public async Task Simulate_UnwritableDirectory_OneClearError()
    {
        using var dir = new TempDirectory();
        var (code, _, stderr) = await SimulatedLog.RunAsync(["--out", dir.File("no/such/dir/log.jsonl"), .. SimulatedLog.SmallRun]);

        Assert.Equal(1, code);
        Assert.StartsWith("simulate: cannot write", stderr, StringComparison.Ordinal);
    }
}

public class TruthFileTests
{
    [Theory]
    [InlineData("/tmp/x/log.jsonl", "/tmp/x/log.truth.csv")]
    [InlineData("/tmp/x/log.jsonl.gz", "/tmp/x/log.truth.csv")]
    [InlineData("/tmp/x/LOG.JSONL.GZ", "/tmp/x/LOG.truth.csv")]
    public void PathFor_LogName_TruthBesideIt(string log, string truth) => Assert.Equal(truth, TruthFile.PathFor(log));
}
