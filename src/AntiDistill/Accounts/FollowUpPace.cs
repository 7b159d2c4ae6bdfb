namespace AntiDistill;

/// <summary>
/// How fast an account's follow-ups come after the answers they follow, for <see cref="RiskSignal.RushedFollowUps"/>:
/// the previous exchange (its time, turn count, prompt and the answer it got), the follow-ups judged and rushed, and the
/// spread of their gaps. Fixed size (64 bytes); counts and sums merge into roll-ups, the previous exchange stays the
/// account's own.
/// </summary>
/// <remarks>
/// A follow-up is the next turn of the conversation the previous request belonged to: two turns more (the answer and the
/// new question), or a request that continues a conversation the server keeps, and a new prompt. An agent loop's steps carry the task's text again (a tool result is no prompt, see
/// <c>MessageList</c>) and so are no follow-ups; neither are a regenerated answer or another conversation's turn. Only
/// answers long enough to take a person a while to read are judged: a person can send "thanks" after any answer. Requests
/// that declare tools are no follow-ups either: an agent client answers tool calls at machine pace by design.
/// </remarks>
internal struct FollowUpPace
{
    /// <summary>Follow-ups judged: each came after an answer of at least <see cref="RiskModelOptions.ReadableAnswerTokens"/> visible tokens.</summary>
    public int Judged;

    /// <summary>Of <see cref="Judged"/>, those sent before the previous answer could have been read at <see cref="RiskModelOptions.ReadingTokensPerSecond"/>.</summary>
    public int Rushed;

    /// <summary>Sum of the natural logarithms of the judged follow-ups' gaps in seconds (at least 1 s), and of their squares: their spread.</summary>
    public double LogGapSum;

    /// <inheritdoc cref="LogGapSum"/>
    public double LogGapSquares;

    /// <summary>
    /// Sum of the natural logarithms of each judged gap over the answer it followed (seconds per token), and of their
    /// squares: steady when a pipeline waits for each answer's stream to end and then asks at once, so that its gaps
    /// follow the answers' lengths.
    /// </summary>
    public double LogPaceSum;

    /// <inheritdoc cref="LogPaceSum"/>
    public double LogPaceSquares;

    private long _previousMs;
    private ulong _previousPrompt;
    private int _previousTurns;

    /// <summary>Answer tokens the client could read in the previous exchange (output less reasoning), once its served half is known.</summary>
    private int _previousAnswer;

    /// <summary>Judges the request as a follow-up of the previous exchange (if it is one), then makes it the previous exchange.</summary>
    /// <param name="timestampMs">When the request arrived.</param>
    /// <param name="turns">Its conversation turns (<see cref="Observation.TurnCount"/>); 0 for a request that is no one's follow-up.</param>
    /// <param name="continues">Whether it continues a conversation the server keeps: then it is the previous exchange's next turn, whatever it carries.</param>
    /// <param name="prompt">Its prompt's SimHash (0 for no prompt).</param>
    /// <param name="options">The reading model.</param>
    public void Observe(long timestampMs, int turns, bool continues, ulong prompt, RiskModelOptions options)
    {
        if (continues && turns > 0)
        {
            turns = Math.Max(1, _previousTurns) + 2;
        }

        if (_previousAnswer >= options.ReadableAnswerTokens && turns > 2 && turns == _previousTurns + 2 && prompt != _previousPrompt && prompt != 0)
        {
            // Out-of-order records count as simultaneous: a negative gap is no gap at all.
            double seconds = Math.Max(0, timestampMs - _previousMs) / 1000.0;
            double log = Math.Log(Math.Max(1, seconds));
            double pace = log - Math.Log(_previousAnswer);
            Judged++;
            Rushed += seconds * options.ReadingTokensPerSecond < _previousAnswer ? 1 : 0;
            LogGapSum += log;
            LogGapSquares += log * log;
            LogPaceSum += pace;
            LogPaceSquares += pace * pace;
        }

        _previousMs = timestampMs;
        _previousTurns = turns;
        _previousPrompt = prompt;
        _previousAnswer = 0;
    }

    /// <summary>Records what the latest exchange's answer gave the client to read.</summary>
    public void ObserveServed(in ServedExchange served)
    {
        bool answered = served.Status is >= 200 and < 300 || (served.Status == 0 && served.OutputTokens > 0);

        // Reasoning, shown or withheld, is not what a person reads before answering back (clients fold it away): only the answer counts.
        _previousAnswer = answered ? Math.Max(0, served.OutputTokens - Math.Max(0, served.ReasoningTokens)) : 0;
    }

    public void MergeFrom(in FollowUpPace other)
    {
        Judged += other.Judged;
        Rushed += other.Rushed;
        LogGapSum += other.LogGapSum;
        LogGapSquares += other.LogGapSquares;
        LogPaceSum += other.LogPaceSum;
        LogPaceSquares += other.LogPaceSquares;
    }

    /// <summary>
    /// How steady the judged follow-ups' pace is, in [0, 1]: by the spread of their log gaps (a user model that asks a
    /// fixed few seconds after each answer: 12-37 seconds is a spread of 0.3), or of their log gaps per answer token
    /// (one that waits for each stream to end, then asks at once), whichever is steadier. 0 at a standard deviation of
    /// <paramref name="humanSpread"/> or more, 1 at <paramref name="machineSpread"/> or less, linear between. A person's
    /// think time varies several-fold from turn to turn (a factor of 2.5 either way or more) and follows neither. Each
    /// variance starts from <paramref name="priorGaps"/> gaps at the human spread, so that a few alike gaps, which a
    /// person leaves as easily as a machine, do not read as steady.
    /// </summary>
    public readonly double Steadiness(double humanSpread, double machineSpread, int priorGaps)
    {
        if (Judged < 2)
        {
            return 0;
        }

        double spread = Math.Min(Spread(LogGapSum, LogGapSquares, humanSpread, priorGaps), Spread(LogPaceSum, LogPaceSquares, humanSpread, priorGaps));
        return Math.Clamp((humanSpread - spread) / (humanSpread - machineSpread), 0, 1);
    }

    private readonly double Spread(double sum, double squares, double humanSpread, int priorGaps)
    {
        double mean = sum / Judged;
        double deviations = Math.Max(0, squares - (Judged * mean * mean));
        return Math.Sqrt((deviations + (priorGaps * humanSpread * humanSpread)) / (Judged + priorGaps));
    }
}
