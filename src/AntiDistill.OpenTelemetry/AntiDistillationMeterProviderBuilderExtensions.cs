using AntiDistill;

namespace OpenTelemetry.Metrics;

/// <summary>Subscribes a meter provider to AntiDistill's instruments.</summary>
public static class AntiDistillationMeterProviderBuilderExtensions
{
    /// <summary>
    /// Adds the <see cref="AntiDistillationTelemetry.MeterName"/> meter: the middleware's <c>antidistill.*</c>
    /// instruments (requests, risk, rejections, tokens charged, linkage) and, with AntiDistill.Redis, its
    /// <c>antidistill.redis.*</c> ones.
    /// </summary>
    public static MeterProviderBuilder AddAntiDistillationInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter(AntiDistillationTelemetry.MeterName);
    }
}
