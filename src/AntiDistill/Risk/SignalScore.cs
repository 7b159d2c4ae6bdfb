using System.Runtime.InteropServices;

namespace AntiDistill;

/// <summary>One signal's part in a risk score.</summary>
/// <param name="Signal">Which signal.</param>
/// <param name="Value">Its measured value in [0, 1], after shrinking towards 0 while evidence is thin.</param>
/// <param name="Contribution">Its share of the risk: the risk times this signal's share of the absolute weighted evidence (negative when it argued for organic).</param>
/// <remarks>
/// Packed to 9 bytes (a one-byte signal, two floats) rather than 12: every scored request's feature holds one per signal
/// in its <see cref="Assessment"/>, and the padding was a sixth of what scoring allocates a request
/// (benchmarks/results/middleware-inprocess.md). x64 and Arm64 read unaligned floats at full speed.
/// </remarks>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public readonly record struct SignalScore(RiskSignal Signal, float Value, float Contribution)
{
    /// <summary>The report name of the signal.</summary>
    public string Name => RiskSignalNames.GetName(Signal);
}
