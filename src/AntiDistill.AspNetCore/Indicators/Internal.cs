using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace AntiDistill.AspNetCore;

/// <summary>The name of one registered feed (one per <c>AddIndicatorFeed</c> call).</summary>
internal sealed record IndicatorFeedName(string Name);

/// <summary>The ranges of <see cref="IndicatorFeedOptions"/> (generated from its attributes).</summary>
[OptionsValidator]
internal sealed partial class IndicatorFeedOptionsRangeValidator : IValidateOptions<IndicatorFeedOptions>;

/// <summary>Rules across fields and on intervals: exactly one source, HTTPS unless plain HTTP is allowed, sane intervals.</summary>
internal sealed class IndicatorFeedOptionsValidator : IValidateOptions<IndicatorFeedOptions>
{
    public ValidateOptionsResult Validate(string? name, IndicatorFeedOptions options)
    {
        if (options.RefreshInterval < TimeSpan.FromSeconds(1) || options.RefreshInterval > TimeSpan.FromDays(7))
        {
            return ValidateOptionsResult.Fail($"Indicator feed '{name}': RefreshInterval must be between 1 second and 7 days.");
        }

        if (options.Timeout < TimeSpan.FromMilliseconds(10) || options.Timeout > TimeSpan.FromMinutes(10))
        {
            return ValidateOptionsResult.Fail($"Indicator feed '{name}': Timeout must be between 10 ms and 10 minutes.");
        }

        if ((options.Path is null) == (options.Url is null))
        {
            return ValidateOptionsResult.Fail($"Indicator feed '{name}': set exactly one of Path and Url.");
        }

        if (options.Url is { } url && !(url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && options.AllowInsecureHttp)))
        {
            return ValidateOptionsResult.Fail($"Indicator feed '{name}': Url must be https (or http with AllowInsecureHttp), not {url.Scheme}.");
        }

        return ValidateOptionsResult.Success;
    }
}

/// <summary>The feeds' metrics, on the AntiDistill meter: loads and rejections by reason (low cardinality), indicators active.</summary>
internal sealed class IndicatorFeedMetrics
{
    private readonly Counter<long> _loads;
    private readonly Counter<long> _rejections;
    private int _active;

    public IndicatorFeedMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(AntiDistillationMetrics.MeterName);
        _loads = meter.CreateCounter<long>("antidistill.indicator_feed.loads", "{load}", "Indicator feeds read and accepted (tag feed).");
        _rejections = meter.CreateCounter<long>("antidistill.indicator_feed.rejections", "{load}",
            "Indicator feed reads rejected, the previous good feed kept (tags feed, reason).");
        meter.CreateObservableGauge("antidistill.indicators.active", () => Volatile.Read(ref _active), "{indicator}", "Indicators the engine matches requests against.");
    }

    public void Loaded(string feed) => _loads.Add(1, new KeyValuePair<string, object?>("feed", feed));

    public void Rejected(string feed, string reason) =>
        _rejections.Add(1, new KeyValuePair<string, object?>("feed", feed), new KeyValuePair<string, object?>("reason", reason));

    public void Active(int count) => Volatile.Write(ref _active, count);
}
