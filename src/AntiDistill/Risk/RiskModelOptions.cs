using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AntiDistill;

/// <summary>How signals become a risk and a verdict.</summary>
public sealed class RiskModelOptions
{
    /// <summary>Intercept of the logistic model (log-odds with every signal at 0). Calibrated; default -2.54.</summary>
    [Range(-50, 50)]
    public double Bias { get; set; } = -2.54;

    /// <summary>Weight per signal.</summary>
    [ValidateObjectMembers]
    public RiskWeights Weights { get; set; } = new();

    /// <summary>Risk at or above which an account is <see cref="Verdict.Suspicious"/>. Calibrated; default 0.75.</summary>
    [Range(0.0, 1.0)]
    public double SuspiciousThreshold { get; set; } = 0.75;

    /// <summary>Risk at or above which an account is <see cref="Verdict.Campaign"/>. Calibrated; default 0.90.</summary>
    [Range(0.0, 1.0)]
    public double CampaignThreshold { get; set; } = 0.90;

    /// <summary>
    /// Pseudo-count that shrinks share signals towards 0 while evidence is thin: a share measured over n
    /// requests counts n/(n + this). Default 4: one request is never enough, 20 count five sixths.
    /// </summary>
    [Range(0, 1000)]
    public int EvidenceRequests { get; set; } = 4;

    /// <summary>An output budget (<c>max_tokens</c>) at or above which a request counts as output-hungry. Default 8192.</summary>
    [Range(1, int.MaxValue)]
    public int HighOutputBudget { get; set; } = 8192;

    /// <summary>
    /// Output tokens served (reasoning withheld from the client excluded) from which an answer counts as long: a
    /// harvest-sized take. Default 1500.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int LongAnswerTokens { get; set; } = 1500;

    /// <summary>
    /// Answer tokens a client reads per second at most, for <see cref="RiskSignal.RushedFollowUps"/>: a follow-up sent
    /// sooner after an answer than its length over this rate came before the answer could have been read. Default 10,
    /// about 450 words a minute at 0.75 words a token: nearly twice the average silent reading rate of adults (about 240
    /// words a minute for non-fiction, Brysbaert 2019), with no time left to write the next question.
    /// </summary>
    [Range(0.1, 10_000)]
    public double ReadingTokensPerSecond { get; set; } = 10;

    /// <summary>
    /// Visible answer tokens (output less reasoning) from which a follow-up to that answer is judged for
    /// <see cref="RiskSignal.RushedFollowUps"/>. Default 300, 30 seconds of reading at the default rate: a short answer
    /// can be answered back at once.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int ReadableAnswerTokens { get; set; } = 300;

    /// <summary>
    /// SimHash Hamming distance (of 64 bits) from which a prompt counts as unrelated to every recent one.
    /// Default 20: unrelated texts sit near 32, rewordings and follow-ups well below.
    /// </summary>
    [Range(0, 64)]
    public int NoveltyDistance { get; set; } = 20;
}
