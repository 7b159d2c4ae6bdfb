namespace AntiDistill;

/// <summary>The indicators of one feed with the trust the host gives that feed, as <see cref="IndicatorSet.Compile"/> takes them.</summary>
/// <param name="Indicators">The feed's indicators.</param>
/// <param name="Trust">How much the host believes the feed, in [0, 1]: multiplies every indicator's weight.</param>
public readonly record struct IndicatorFeedContent(IReadOnlyList<Indicator> Indicators, double Trust);
