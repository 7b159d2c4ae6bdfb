using System.Diagnostics;

namespace AntiDistill.AspNetCore;

/// <summary>
/// Records each decision on the request's trace: an <c>antidistill.decision</c> activity from the
/// <see cref="AntiDistillationTelemetry.ActivitySourceName"/> source, and the same tags on the request's own activity.
/// Only the tags of <see cref="AntiDistillationMetrics"/> (policy, action, verdict, risk band, shadow): never an
/// account, key, organization, cluster or address, since traces are exported to systems the host may not control.
/// </summary>
/// <remarks>
/// Costs two listener checks when nobody traces. ASP.NET Core creates a request activity even without a tracer
/// (for log scopes); it is tagged only when a tracer listens to its source and sampled it, so an untraced request
/// allocates nothing here.
/// </remarks>
internal static class AntiDistillationTracing
{
    public const string DecisionActivityName = "antidistill.decision";

    private static readonly ActivitySource Source = new(AntiDistillationTelemetry.ActivitySourceName);

    // Boxed once, like the metrics' tags.
    private static readonly object BoxedTrue = true;
    private static readonly object BoxedFalse = false;

    /// <summary>A scored request: what the policy's bands called for, and whether shadow mode kept it from happening.</summary>
    public static void Scored(string policyName, AntiDistillationPolicy policy, string action, Verdict verdict, float risk)
    {
        var request = Recorded(Activity.Current);
        if (request is null && !Source.HasListeners())
        {
            return;
        }

        using var decision = Source.StartActivity(DecisionActivityName, ActivityKind.Internal);
        string band = BandOf(policy, risk);
        foreach (var activity in (ReadOnlySpan<Activity?>)[request, decision])
        {
            activity?.SetTag("antidistill.policy", policyName)
                .SetTag("antidistill.action", action)
                .SetTag("antidistill.verdict", AntiDistillationMetrics.VerdictName(verdict))
                .SetTag("antidistill.risk_band", band)
                .SetTag("antidistill.shadow", policy.Shadow ? BoxedTrue : BoxedFalse);
        }
    }

    /// <summary>A request let through, or refused, without a score (no account, or a body that could not be read).</summary>
    public static void Unscored(string policyName, string reason)
    {
        var request = Recorded(Activity.Current);
        if (request is null && !Source.HasListeners())
        {
            return;
        }

        using var decision = Source.StartActivity(DecisionActivityName, ActivityKind.Internal);
        foreach (var activity in (ReadOnlySpan<Activity?>)[request, decision])
        {
            activity?.SetTag("antidistill.policy", policyName)
                .SetTag("antidistill.action", "unscored")
                .SetTag("antidistill.unscored_reason", reason);
        }
    }

    /// <summary>The request's activity if a tracer sampled it; null for the untraced one ASP.NET Core creates for logging.</summary>
    private static Activity? Recorded(Activity? activity)
        => activity is { IsAllDataRequested: true } && activity.Source.HasListeners() ? activity : null;

    /// <summary>
    /// The policy band the risk fell in, as its lower bound ("0.5"), or "none" below every band: what a reviewer
    /// finds in the configuration, and as few values as the policy has bands.
    /// </summary>
    private static string BandOf(AntiDistillationPolicy policy, float risk)
    {
        double best = double.NegativeInfinity;
        for (int i = 0; i < policy.Bands.Count; i++)
        {
            double min = policy.Bands[i].MinRisk;
            if (risk >= min && min > best)
            {
                best = min;
            }
        }

        return double.IsNegativeInfinity(best) ? "none" : best.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
    }
}
