namespace AntiDistill;

/// <summary>What one request matched in an <see cref="IndicatorSet"/>.</summary>
/// <param name="Strength">The combined weight of every indicator matched, in [0, 1]; 0 when none.</param>
/// <param name="Strongest">The indicator that weighed most, for explanations; null when none matched.</param>
public readonly record struct IndicatorMatch(float Strength, Indicator? Strongest);
