using System.Runtime.CompilerServices;
using AntiDistill.Cli.Indicators;

namespace AntiDistill.Cli.Tests.Indicators;

public sealed class AccountEvidenceTests
{
    [Fact]
    public void Size_PerAccount_AtMost96Bytes()
    {
        // analyze keeps one per distinct account of the log (help text and docs/indicators.md say about 100 bytes).
        Assert.True(Unsafe.SizeOf<AccountEvidence>() <= 96, $"{Unsafe.SizeOf<AccountEvidence>()} bytes");
    }

    [Fact]
    public void CopyRepeated_TemplateAmongOneOffPrompts_KeepsTheTemplatesFrames()
    {
        var evidence = default(AccountEvidence);
        var template = Features("Please reason carefully and show each step of your work for this problem: item {0}. Answer in full sentences and then stop.", 0);
        for (int i = 0; i < 50; i++)
        {
            evidence.AddPrompt(Features("Please reason carefully and show each step of your work for this problem: item {0}. Answer in full sentences and then stop.", i));
            evidence.AddPrompt(Features("a one-off question number {0} about gardening tomatoes in a small balcony with little sun in spring", i * 7919));
        }

        var repeated = new List<(IndicatorKind, ulong)>();
        evidence.CopyRepeated(2, repeated);
        Assert.Contains((IndicatorKind.PromptOpeningFrame, template.Frames.Opening), repeated);
        Assert.Contains((IndicatorKind.PromptClosingFrame, template.Frames.Closing), repeated);
    }

    private static PromptFeatures Features(string format, int i)
    {
        PromptFeatureExtractor.Default.Extract(System.Text.Encoding.UTF8.GetBytes(format.Replace("{0}", i.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)), default, 0, out var features);
        return features;
    }
}
