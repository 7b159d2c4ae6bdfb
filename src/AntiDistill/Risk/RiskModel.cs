namespace AntiDistill;

/// <summary>
/// Logistic model over the account signals: risk = σ(bias + Σ wᵢ·xᵢ). Each signal's contribution is the
/// risk times its share of the absolute weighted evidence, so a reviewer reads which signals made the score.
/// </summary>
internal sealed class RiskModel
{
    private readonly double[] _weights = new double[RiskSignalNames.SignalCount];
    private readonly double _bias;
    private readonly double _suspicious;
    private readonly double _campaign;

    public RiskModel(RiskModelOptions options)
    {
        Options = options;
        options.Weights.CopyTo(_weights);
        _bias = options.Bias;
        _suspicious = options.SuspiciousThreshold;
        _campaign = options.CampaignThreshold;
    }

    public RiskModelOptions Options { get; }

    public Verdict VerdictFor(double risk) => risk >= _campaign ? Verdict.Campaign : risk >= _suspicious ? Verdict.Suspicious : Verdict.Organic;

    /// <summary>The risk of summed activity alone (a cluster's, a template cohort's), without the per-signal explanation.</summary>
    public float RiskOf(in ActivityCounters activity)
    {
        Span<float> values = stackalloc float[RiskSignalNames.SignalCount];
        values.Clear();
        activity.ComputeSignals(Options, values);
        var assessment = default(Assessment);
        Evaluate(values, ref assessment);
        return assessment.Risk;
    }

    /// <summary>Scores signal values (indexed by <see cref="RiskSignal"/>) into <paramref name="assessment"/>.</summary>
    public void Evaluate(ReadOnlySpan<float> values, ref Assessment assessment)
    {
        double z = _bias, evidence = 0;
        for (int i = 0; i < RiskSignalNames.SignalCount; i++)
        {
            double term = _weights[i] * values[i];
            z += term;
            evidence += Math.Abs(term);
        }

        double risk = 1 / (1 + Math.Exp(-z));
        double perEvidence = evidence == 0 ? 0 : risk / evidence; // one division, not one per signal
        Span<SignalScore> scores = assessment.WritableSignals;
        for (int i = 0; i < RiskSignalNames.SignalCount; i++)
        {
            scores[i] = new SignalScore((RiskSignal)i, values[i], (float)(_weights[i] * values[i] * perEvidence));
        }

        assessment.Risk = (float)risk;
        assessment.Verdict = VerdictFor(risk);
    }
}
