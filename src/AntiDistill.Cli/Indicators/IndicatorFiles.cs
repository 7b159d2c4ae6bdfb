using System.Globalization;
using AntiDistill.Cli.Analyze;

namespace AntiDistill.Cli.Indicators;

/// <summary>Loads <c>analyze --indicators</c> bundles into one compiled set; a file that cannot be read stops the run (exit 2), as a bad log would.</summary>
internal static class IndicatorFiles
{
    /// <summary>Larger files are refused: a feed of 100,000 indicators is about 100 MB of STIX.</summary>
    private const long MaxBytes = 512L * 1024 * 1024;

    public static async Task<IndicatorSet> LoadAsync(AnalyzeSettings settings, IdentityHasher identities, TextWriter error, CancellationToken cancellationToken)
    {
        if (settings.IndicatorFiles.Count == 0)
        {
            return IndicatorSet.Empty;
        }

        var feeds = new List<IndicatorFeedContent>();
        int skipped = 0;
        foreach (string file in settings.IndicatorFiles)
        {
            try
            {
                if (new FileInfo(file).Length > MaxBytes)
                {
                    throw new AnalyzeException($"indicator bundle '{file}' is larger than {MaxBytes / (1024 * 1024)} MiB.", ExitCodes.Input);
                }

                var bundle = StixBundleReader.Read(await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false));
                feeds.Add(new IndicatorFeedContent([.. bundle.Indicators], settings.IndicatorTrust));
                skipped += bundle.SkippedPatterns;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or StixFormatException)
            {
                throw new AnalyzeException($"cannot read indicator bundle '{file}': {e.Message}", ExitCodes.Input);
            }
        }

        var set = IndicatorSet.Compile(feeds, identities);
        await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"indicators: {set.Count:N0} loaded from {settings.IndicatorFiles.Count} bundle(s); {skipped + set.Skipped:N0} with patterns the engine cannot evaluate skipped")).ConfigureAwait(false);
        return set;
    }
}
