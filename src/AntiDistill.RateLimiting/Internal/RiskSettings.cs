namespace AntiDistill.RateLimiting;

/// <summary>
/// An immutable snapshot of <see cref="RiskRateLimiterOptions"/> in the form the request path uses, swapped
/// whole on reload so that a request never sees half-updated options.
/// </summary>
internal sealed class RiskSettings
{
    private readonly double _startRisk;
    private readonly double _negLogMinimum;

    public RiskSettings(RiskRateLimiterOptions options)
    {
        Account = options.Account.ToLimits();
        Cluster = options.Cluster.ToLimits();
        _startRisk = options.Tightening.StartRisk;
        _negLogMinimum = -Math.Log(options.Tightening.MinimumMultiplier);
        FailOpen = options.FailOpen;
    }

    public TokenBucketLimits Account { get; }

    public TokenBucketLimits Cluster { get; }

    public bool FailOpen { get; }

    /// <summary>
    /// 1 / m(risk): how many bucket tokens one real token costs at this risk. Weighting the cost rather than
    /// shrinking the bucket keeps stores risk-agnostic (one set of limits per scope, as a remote script wants them)
    /// and keeps a bucket's fill fraction when an account's risk moves.
    /// </summary>
    public double Weight(float risk)
    {
        // NaN fails every comparison and so counts as 0, like any risk at or below the start.
        if (!(risk > _startRisk))
        {
            return 1;
        }

        double t = Math.Min(1, (risk - _startRisk) / (1 - _startRisk));
        return Math.Exp(_negLogMinimum * t);
    }
}
