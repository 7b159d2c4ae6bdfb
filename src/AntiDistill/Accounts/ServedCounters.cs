namespace AntiDistill;

/// <summary>
/// What an account took away: counts of the served half of its exchanges (<see cref="ServedExchange"/>) that the
/// served-side signals read. Fixed size, summable, so it merges into clusters and across nodes like
/// <see cref="ActivityCounters"/>.
/// </summary>
internal struct ServedCounters
{
    /// <summary>Answers the client received (status 2xx, or unknown status with output).</summary>
    public int Answered;

    /// <summary>Answered exchanges with at least <see cref="RiskModelOptions.LongAnswerTokens"/> output tokens the client received.</summary>
    public int LongAnswers;

    /// <summary>Answered exchanges that carried reasoning tokens the client received.</summary>
    public int WithReasoning;

    public void Add(in ServedExchange served, int longAnswerTokens)
    {
        int output = Math.Max(0, served.OutputTokens);
        bool answered = served.Status is >= 200 and < 300 || (served.Status == 0 && output > 0);
        if (!answered)
        {
            return;
        }

        // Withheld reasoning never reached the client: it is neither reasoning taken nor part of a long answer.
        int withheld = Math.Clamp(served.ReasoningTokensWithheld, 0, Math.Max(0, served.ReasoningTokens));
        int reasoning = Math.Max(0, served.ReasoningTokens) - withheld;
        Answered++;
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
        Answered += other.Answered;
        LongAnswers += other.LongAnswers;
        WithReasoning += other.WithReasoning;
    }
}
