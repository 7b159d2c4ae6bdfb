using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace AntiDistill.Tests.Indicators;

/// <summary>Feeds come from other organizations and the network: the reader must fail only with its own exception, whatever the bytes.</summary>
public sealed class StixBundleReaderPropertyTests
{
    [Property(MaxTest = 300)]
    public void Read_ArbitraryBytes_ReturnsOrThrowsStixFormatException(byte[] bytes)
    {
        try
        {
            StixBundleReader.Read(bytes);
        }
        catch (StixFormatException)
        {
        }
    }

    [Property(MaxTest = 300)]
    public void Read_MutatedValidBundle_ReturnsOrThrowsStixFormatException(PositiveInt at, char replacement)
    {
        byte[] json = StixBundleWriter.ToUtf8(SampleBundles.Bundle());
        string text = Encoding.UTF8.GetString(json);
        int i = at.Get % text.Length;
        string mutated = string.Concat(text.AsSpan(0, i), replacement.ToString(), text.AsSpan(i + 1));
        try
        {
            StixBundleReader.Read(Encoding.UTF8.GetBytes(mutated));
        }
        catch (StixFormatException)
        {
        }
    }

    [Property(MaxTest = 300)]
    public void Pattern_AnyStringValue_RoundTrips(NonEmptyString value)
    {
        var indicator = SampleBundles.Make(IndicatorKind.UserAgent, value.Get);
        var bundle = SampleBundles.Bundle() with
        {
            Campaigns = [SampleBundles.Bundle().Campaigns[0] with { Indicators = [indicator] }],
        };
        var read = StixBundleReader.Read(StixBundleWriter.ToUtf8(bundle));
        Assert.Equal(value.Get, Assert.Single(read.Indicators).Value);
    }
}
