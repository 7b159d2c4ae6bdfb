namespace AntiDistill;

/// <summary>
/// What an account took away: per-exchange counts of the served half (<see cref="ServedExchange"/>). Fixed size,
/// summable, so it merges into clusters and across nodes like <see cref="ActivityCounters"/>.
/// </summary>
internal struct ServedCounters
{
    /// <summary>Exchanges whose served half was reported.</summary>
    public int Exchanges;

    /// <summary>Of those, answers the client received (status 2xx, or unknown status with output).</summary>
    public int Answered;

    /// <summary>Answered exchanges with at least <see cref="RiskModelOptions.LongAnswerTokens"/> output tokens.</summary>
    public int LongAnswers;

    /// <summary>Answered exchanges that carried reasoning tokens the client received.</summary>
    public int WithReasoning;

    /// <summary>Output tokens served (reasoning included).</summary>
    public long OutputTokens;

    /// <summary>Reasoning tokens the client received (withheld ones excluded).</summary>
    public long ReasoningTokens;

    /// <summary>Reasoning tokens withheld from the client.</summary>
    public long ReasoningWithheld;

    public void Add(in ServedExchange served, int longAnswerTokens)
    {
        Exchanges++;
        int output = Math.Max(0, served.OutputTokens);
        bool answered = served.Status is >= 200 and < 300 || (served.Status == 0 && output > 0);
        if (!answered)
        {
            return;
        }

        int withheld = Math.Clamp(served.ReasoningTokensWithheld, 0, Math.Max(0, served.ReasoningTokens));
        int reasoning = Math.Max(0, served.ReasoningTokens) - withheld;
        Answered++;
        OutputTokens += output;
        ReasoningTokens += reasoning;
        ReasoningWithheld += withheld;
        if (output - withheld >= longAnswerTokens)
        {
            LongAnswers++;
        }

        if (reasoning > 0)
        {
            WithReasoning++;
        }
    }

    public void MergeFrom(in ServedCounters other)
    {
        Exchanges += other.Exchanges;
        Answered += other.Answered;
        LongAnswers += other.LongAnswers;
        WithReasoning += other.WithReasoning;
        OutputTokens += other.OutputTokens;
        ReasoningTokens += other.ReasoningTokens;
        ReasoningWithheld += other.ReasoningWithheld;
    }
}
