namespace AntiDistill.Testing;

/// <summary>One simulated request and what came back.</summary>
/// <param name="Index">Its place in the traffic (0 first), in time order.</param>
/// <param name="Population">The population that sent it (e.g. <c>organic_casual</c>, <c>campaign_cot_sweep</c>).</param>
/// <param name="IsCampaign">Whether that population is a distillation campaign (the ground truth).</param>
/// <param name="Account">The account name it was sent as (the API key, unless <see cref="SimulatedTraffic.WithCredential"/> says otherwise).</param>
/// <param name="Timestamp">Its simulated time (what the fake clock read when it was sent).</param>
/// <param name="StatusCode">The response's HTTP status.</param>
/// <param name="Decision">What the middleware decided, when <see cref="AntiDistillationTestRecorder"/> is registered and the request was read.</param>
public sealed record SimulatedExchange(int Index, string Population, bool IsCampaign, string Account, DateTimeOffset Timestamp, int StatusCode,
    RecordedDecision? Decision)
{
    /// <summary>Whether the app refused it: any status outside 2xx.</summary>
    public bool IsRejected => StatusCode is < 200 or > 299;
}
