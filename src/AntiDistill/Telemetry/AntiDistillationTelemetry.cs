namespace AntiDistill;

/// <summary>
/// The names under which AntiDistill's packages publish telemetry, for hosts that subscribe by name
/// (<c>AddMeter</c>, <c>AddSource</c>, or <c>AddAntiDistillationInstrumentation()</c> from AntiDistill.OpenTelemetry).
/// </summary>
/// <remarks>
/// Tags are low-cardinality and never identify anyone: policy names, actions, verdicts, risk bands, statuses.
/// No account id, API key, organization, cluster or network address is ever a tag.
/// </remarks>
public static class AntiDistillationTelemetry
{
    /// <summary>The meter of every AntiDistill package (instruments named <c>antidistill.*</c>).</summary>
    public const string MeterName = "AntiDistill";

    /// <summary>
    /// The activity source of the middleware: one <c>antidistill.decision</c> activity per scored request, a child of
    /// the request's activity, whose tags (also set on the request's activity when it is recorded) say what was decided.
    /// </summary>
    public const string ActivitySourceName = "AntiDistill";
}
