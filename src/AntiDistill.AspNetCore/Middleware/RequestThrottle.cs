using System.Threading.RateLimiting;
using AntiDistill.RateLimiting;
using AntiDistill.Requests;
using Microsoft.AspNetCore.Http;

namespace AntiDistill.AspNetCore;

/// <summary>The throttle action: the request's estimated tokens against <see cref="RiskRateLimiter"/>, then the real usage settled after the response.</summary>
internal sealed class RequestThrottle(RiskRateLimiter limiter, ITokenEstimator estimator, AntiDistillationMetrics metrics)
{
    /// <summary>Tokens the request is expected to cost before it runs (prompt and system prompt; settling corrects the rest).</summary>
    public long Estimate(RequestContent content) => estimator.EstimateTokens(content.Prompt) + estimator.EstimateTokens(content.SystemPrompt);

    /// <summary>Acquires one permit; refused leases carry the limiter's Retry-After when it gave one.</summary>
    public async ValueTask<(bool Acquired, TimeSpan? RetryAfter, RiskPartitionKey Key)> AcquireAsync(HttpContext context, ScoreOutcome outcome, string policy)
    {
        var key = RiskPartitionKey.From(outcome.Feature!.Scored, outcome.EstimatedTokens);
        using var lease = await limiter.AcquireAsync(key, 1, context.RequestAborted).ConfigureAwait(false);
        if (lease.IsAcquired)
        {
            metrics.TokensCharged(policy, key.TokensPerPermit);
            return (true, null, key);
        }

        return (false, lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : null, key);
    }

    /// <summary>Charges what the endpoint reported it really used (see <see cref="IAntiDistillationFeature.ReportUsage(long)"/>).</summary>
    public ValueTask SettleAsync(RiskPartitionKey key, long actualTokens, string policy)
    {
        metrics.TokensCharged(policy, actualTokens - key.TokensPerPermit);
        return limiter.SettleAsync(key, actualTokens);
    }
}
