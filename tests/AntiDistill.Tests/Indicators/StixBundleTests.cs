using System.Text;

namespace AntiDistill.Tests.Indicators;

public sealed class StixBundleTests
{
    [SharedDataFact]
    public void Write_EveryKindAndMarking_ValidatesAgainstOfficialSchemas()
    {
        foreach (var tlp in Enum.GetValues<TlpLevel>())
        {
            byte[] json = StixBundleWriter.ToUtf8(SampleBundles.Bundle(tlp));
            Assert.Empty(StixSchemas.Errors(json));
        }
    }

    [SharedDataFact]
    public void Validator_BrokenIndicator_ReportsErrors()
    {
        // The validator must be able to fail: an indicator without its required pattern is not STIX.
        string json = Encoding.UTF8.GetString(StixBundleWriter.ToUtf8(SampleBundles.Bundle()));
        string broken = json.Replace("\"pattern_type\":\"stix\",", "", StringComparison.Ordinal);
        Assert.NotEqual(json, broken);
        Assert.NotEmpty(StixSchemas.Errors(Encoding.UTF8.GetBytes(broken)));
    }

    [SharedDataFact]
    public void Read_OfficialExamples_ReadBackWithUnknownPatternsCounted()
    {
        var files = Directory.EnumerateFiles(Path.Combine(StixSchemas.Folder, "examples"), "*.json", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(files);
        var read = new List<Indicator>();
        int skipped = 0;
        foreach (string file in files)
        {
            byte[] json = File.ReadAllBytes(file);
            if (!System.Text.Json.JsonDocument.Parse(json).RootElement.TryGetProperty("objects", out _))
            {
                continue; // one example is a lone campaign object, not a bundle
            }

            var bundle = StixBundleReader.Read(json);
            read.AddRange(bundle.Indicators);
            skipped += bundle.SkippedPatterns;
        }

        // The examples' indicators are C2 addresses, domains, file hashes and certificates: patterns the engine cannot
        // match, each counted and skipped. The only ones it reads are four /15 network ranges, which are wider than the
        // /16 the engine expands, so compiling counts them as skipped too; nothing is dropped silently.
        Assert.True(skipped > 20, $"skipped {skipped}");
        Assert.All(read, i => Assert.Equal(IndicatorKind.NetworkPrefix, i.Kind));
        Assert.Contains(read, i => i.Value == "112.64.0.0/15");
        var set = IndicatorSet.Compile([new IndicatorFeedContent(read, 1)], new IdentityHasher(new byte[32]));
        Assert.Equal(read.Count, set.Skipped);
    }

    [SharedDataFact]
    public void ExtensionDefinition_Published_MatchesWriterAndValidates()
    {
        using var stream = new MemoryStream();
        StixBundleWriter.WriteExtensionDefinition(stream);
        byte[] written = stream.ToArray();
        Assert.Empty(StixSchemas.ObjectErrors(written));
        Assert.Equal(Encoding.UTF8.GetString(written), File.ReadAllText(Path.Combine(RepoRoot(), "docs", "indicators.extension-definition.json")).TrimEnd('\n'));
    }

    [SharedDataFact]
    public void CampaignExtension_Written_ValidatesAgainstPublishedSchema()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(StixBundleWriter.ToUtf8(SampleBundles.Bundle()));
        var campaign = doc.RootElement.GetProperty("objects").EnumerateArray().First(o => o.GetProperty("type").GetString() == "campaign");
        var extension = campaign.GetProperty("extensions").GetProperty("extension-definition--1f1b7ba2-3a8a-5d4e-9d1c-6a6e7e0c2b41");
        Assert.Empty(StixSchemas.ErrorsAgainst(Path.Combine(RepoRoot(), "docs", "indicators.schema.json"), extension));
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AntiDistill.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found");
    }

    [Fact]
    public void Read_WrittenBundle_LosesNothingTheEngineNeeds()
    {
        var written = SampleBundles.Bundle();
        var read = StixBundleReader.Read(StixBundleWriter.ToUtf8(written));

        Assert.Equal("Provider A", read.Producer);
        Assert.Equal(0, read.SkippedPatterns);
        var campaign = Assert.Single(read.Campaigns);
        Assert.Equal("c-0001", campaign.Name);
        Assert.Equal("campaign", campaign.Verdict);
        Assert.Equal(12, campaign.Accounts);
        Assert.Equal(written.Campaigns[0].Withheld, campaign.Withheld);
        Assert.Equal(written.Campaigns[0].Indicators, campaign.Indicators);
    }

    [Fact]
    public void Write_SameEvidenceTwice_SameIds()
    {
        Assert.Equal(StixBundleWriter.ToUtf8(SampleBundles.Bundle()), StixBundleWriter.ToUtf8(SampleBundles.Bundle()));
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"type\":\"report\"}")]
    [InlineData("{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":[]}")]
    [InlineData("{\"type\":\"bundle\",\"id\":\"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d\"}")]
    [InlineData("{\"type\":\"bundle\",\"id\":\"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d\",\"objects\":[{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\",\"created\":\"2026-01-01T00:00:00Z\",\"modified\":\"2026-01-01T00:00:00Z\",\"pattern_type\":\"stix\",\"valid_from\":\"2026-01-01T00:00:00Z\"}]}")]
    [InlineData("{\"type\":\"bundle\",\"id\":\"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d\",\"objects\":[{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\",\"created\":\"yesterday\",\"modified\":\"2026-01-01T00:00:00Z\",\"pattern\":\"[autonomous-system:number = 1]\",\"pattern_type\":\"stix\",\"valid_from\":\"2026-01-01T00:00:00Z\"}]}")]
    public void Read_NotAStixBundle_ThrowsStixFormatException(string json)
    {
        Assert.Throws<StixFormatException>(() => StixBundleReader.Read(Encoding.UTF8.GetBytes(json)));
    }

    [Theory]
    [InlineData("[autonomous-system:number = 64500] AND [ipv4-addr:value = '1.2.3.4']")]
    [InlineData("[ipv4-addr:value = '198.51.100.7']")]
    [InlineData("[x-antidistill-prompt:opening_frame = '0123456789abcdef' OR x-antidistill-prompt:closing_frame = '0123456789abcdef']")]
    [InlineData("[file:hashes.'SHA-256' = 'aa']")]
    [InlineData("[email-addr:value LIKE '%@%.example']")]
    [InlineData("[x-antidistill-prompt:opening_frame = 'ABCDEF0123456789']")]
    public void Read_PatternTheEngineCannotEvaluate_CountedAndSkipped(string pattern)
    {
        const string Head = """
            {"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[
             {"type":"campaign","spec_version":"2.1","id":"campaign--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd30","created":"2026-01-01T00:00:00Z","modified":"2026-01-01T00:00:00Z","name":"x",
              "extensions":{"extension-definition--1f1b7ba2-3a8a-5d4e-9d1c-6a6e7e0c2b41":{"extension_type":"property-extension","fingerprint_version":"antidistill-fp-v1"}}},
             {"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2026-01-01T00:00:00Z","modified":"2026-01-01T00:00:00Z",
              "pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z","pattern":
            """;
        string json = Head + System.Text.Json.JsonSerializer.Serialize(pattern) + "}]}";
        var bundle = StixBundleReader.Read(Encoding.UTF8.GetBytes(json));
        Assert.Equal(1, bundle.SkippedPatterns);
        Assert.Empty(bundle.Indicators);
    }
}
