using AntiDistill;

namespace OpenTelemetry.Trace;

/// <summary>Subscribes a tracer provider to AntiDistill's decision activities.</summary>
public static class AntiDistillationTracerProviderBuilderExtensions
{
    /// <summary>
    /// Adds the <see cref="AntiDistillationTelemetry.ActivitySourceName"/> source: one <c>antidistill.decision</c>
    /// activity per request the middleware decides on, tagged with the policy, action, verdict, risk band and shadow
    /// mode. To see the same tags on the HTTP server spans, trace ASP.NET Core too (its instrumentation or
    /// <c>AddSource("Microsoft.AspNetCore")</c>).
    /// </summary>
    public static TracerProviderBuilder AddAntiDistillationInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource(AntiDistillationTelemetry.ActivitySourceName);
    }
}
