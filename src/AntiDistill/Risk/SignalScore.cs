namespace AntiDistill;

/// <summary>One signal's part in a risk score.</summary>
/// <param name="Signal">Which signal.</param>
/// <param name="Value">Its measured value in [0, 1], after shrinking towards 0 while evidence is thin.</param>
/// <param name="Contribution">Its share of the risk: the risk times this signal's share of the absolute weighted evidence (negative when it argued for organic).</param>
public readonly record struct SignalScore(RiskSignal Signal, float Value, float Contribution)
{
    /// <summary>The report name of the signal.</summary>
    public string Name => RiskSignalNames.GetName(Signal);
}
