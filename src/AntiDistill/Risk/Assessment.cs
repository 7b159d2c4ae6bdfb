using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace AntiDistill;

/// <summary>The engine's judgement of an account after one request: risk, verdict, and why.</summary>
public struct Assessment
{
    private Scores _signals;
    private Evidence _evidence;

    /// <summary>The account judged.</summary>
    public AccountId Account { get; internal set; }

    /// <summary>Risk in [0, 1]: the larger of the account's own and its cluster's.</summary>
    public float Risk { get; internal set; }

    /// <summary>The account's own risk, from its own signals.</summary>
    public float AccountRisk { get; internal set; }

    /// <summary>The cluster the account is linked into, or <see cref="ClusterId.None"/>.</summary>
    public ClusterId Cluster { get; internal set; }

    /// <summary>The cluster's risk from its members' summed activity; 0 when the account is in no cluster.</summary>
    public float ClusterRisk { get; internal set; }

    /// <summary>The verdict <see cref="Risk"/> maps to under the configured thresholds (members inherit their cluster's).</summary>
    public Verdict Verdict { get; internal set; }

    /// <summary>How many requests of this account the engine has seen, this one included.</summary>
    public int Requests { get; internal set; }

    /// <summary>The imported indicator behind <see cref="RiskSignal.IndicatorMatch"/> (its id and producer explain the signal), or null.</summary>
    public Indicator? MatchedIndicator { get; internal set; }

    /// <summary>Each signal's value and contribution, in <see cref="RiskSignal"/> order.</summary>
    [UnscopedRef]
    public readonly ReadOnlySpan<SignalScore> Signals => _signals;

    /// <summary>The score of one signal.</summary>
    public readonly SignalScore this[RiskSignal signal] => _signals[(int)signal];

    /// <summary>How many links of each kind (indexed by <see cref="LinkKind"/>) joined the account's cluster; all 0 outside a cluster.</summary>
    [UnscopedRef]
    public readonly ReadOnlySpan<int> ClusterEvidence => _evidence;

    [UnscopedRef]
    internal Span<SignalScore> WritableSignals => _signals;

    [UnscopedRef]
    internal Span<int> WritableEvidence => _evidence;

    [InlineArray(LinkKindNames.KindCount)]
    private struct Evidence
    {
        private int _element0;
    }

    [InlineArray(RiskSignalNames.SignalCount)]
    private struct Scores
    {
        private SignalScore _element0;
    }
}
