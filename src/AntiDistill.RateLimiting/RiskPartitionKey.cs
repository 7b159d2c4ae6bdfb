using AntiDistill.Requests;

namespace AntiDistill.RateLimiting;

/// <summary>
/// What <see cref="RiskRateLimiter"/> needs to know about one request: whose buckets to charge, how risky
/// the account and its cluster are, and how many tokens the request is expected to cost. Everything comes
/// from the engine's <see cref="Assessment"/> and the token estimate, so building one is free on the request path.
/// </summary>
/// <param name="Account">The account whose bucket is charged. <c>default</c> (no account) shares one anonymous bucket.</param>
/// <param name="Cluster">The account's cluster, whose shared bucket is charged too; <see cref="ClusterId.None"/> charges no cluster bucket.</param>
/// <param name="Risk">Risk in [0, 1] that tightens the account bucket (the assessment's <see cref="Assessment.Risk"/>). NaN counts as 0.</param>
/// <param name="ClusterRisk">Risk in [0, 1] that tightens the cluster bucket (the assessment's <see cref="Assessment.ClusterRisk"/>). NaN counts as 0.</param>
/// <param name="EstimatedTokens">Tokens the request is expected to cost before it runs; each permit charges <c>max(1, EstimatedTokens)</c>.</param>
public readonly record struct RiskPartitionKey(AccountId Account, ClusterId Cluster, float Risk, float ClusterRisk, long EstimatedTokens)
{
    /// <summary>The key for an assessed request whose cost has already been estimated.</summary>
    public static RiskPartitionKey From(in Assessment assessment, long estimatedTokens)
        => new(assessment.Account, assessment.Cluster, assessment.Risk, assessment.ClusterRisk, estimatedTokens);

    /// <summary>
    /// The key for an assessed request, its cost estimated from the prompt and system prompt read from the body.
    /// Earlier turns are not in <see cref="RequestContent"/>, so this underestimates long conversations; settling
    /// with the real usage (<see cref="RiskRateLimiter.Settle(RiskPartitionKey, long)"/>) corrects it.
    /// </summary>
    public static RiskPartitionKey From(in Assessment assessment, RequestContent content, ITokenEstimator estimator)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(estimator);
        long tokens = estimator.EstimateTokens(content.Prompt) + estimator.EstimateTokens(content.SystemPrompt);
        return From(assessment, tokens);
    }

    /// <summary>Tokens one permit charges: the estimate, at least 1 so that every request counts.</summary>
    public long TokensPerPermit => Math.Max(1, EstimatedTokens);
}
