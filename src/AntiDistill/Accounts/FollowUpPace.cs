namespace AntiDistill;

/// <summary>
/// How fast an account's follow-ups come after the answers they follow, for <see cref="RiskSignal.RushedFollowUps"/>:
/// the latest exchange of each of its last few conversations (time, turn count, prompt and the answer it got), the
/// follow-ups judged and rushed, and the spread of their gaps. Fixed size (144 bytes); counts and sums merge into
/// roll-ups, the conversations stay the account's own.
/// </summary>
/// <remarks>
/// A follow-up is the next turn of a conversation: two turns more than its latest exchange (the answer and the new
/// question), or a request that continues a conversation the server keeps, and a new prompt. Conversations are told apart
/// by <see cref="Observation.Conversation"/> (the readers key them by their first user message), so that a harvester that
/// runs dialogues side by side on one account is judged turn by turn; a request without a key is taken as a turn of the
/// account's latest conversation. An agent loop's steps carry the task's text again (a tool result is no prompt, see
/// <c>MessageList</c>) and so are no follow-ups; neither is a regenerated answer. Only answers long enough to take a
/// person a while to read are judged: a person can send "thanks" after any answer. Requests that declare tools are no
/// follow-ups either: an agent client answers tool calls at machine pace by design.
/// </remarks>
internal struct FollowUpPace
{
    /// <summary>Follow-ups to an answer the client received, whatever its length: their gaps are the user's pace (<see cref="LogGapSum"/>).</summary>
    public int FollowUps;

    /// <summary>Follow-ups judged: each came after an answer of at least <see cref="RiskModelOptions.ReadableAnswerTokens"/> visible tokens.</summary>
    public int Judged;

    /// <summary>Of <see cref="Judged"/>, those sent before the previous answer could have been read at <see cref="RiskModelOptions.ReadingTokensPerSecond"/>.</summary>
    public int Rushed;

    /// <summary>
    /// Sum of the natural logarithms of the <see cref="FollowUps"/>' gaps in seconds (at least 1 s), and of their squares:
    /// their spread. Every follow-up, not only the judged ones: how steady a user's pace is shows after short answers
    /// as well, and more gaps read it sooner.
    /// </summary>
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

    /// <summary>The latest exchange of each of the account's last few conversations, so that turns of dialogues run side by side are each judged against their own conversation.</summary>
    private Conversations _conversations;

    /// <summary>The slot of the account's latest exchange (a request with no conversation key is taken as its next turn).</summary>
    private int _latest;

    /// <summary>Judges the request as a follow-up of its conversation's previous exchange (if it is one), then makes it that conversation's latest exchange.</summary>
    /// <param name="timestampMs">When the request arrived.</param>
    /// <param name="turns">Its conversation turns (<see cref="Observation.TurnCount"/>); 0 for a request that is no one's follow-up.</param>
    /// <param name="continues">Whether it continues a conversation the server keeps: then it is the previous exchange's next turn, whatever it carries.</param>
    /// <param name="prompt">Its prompt's SimHash (0 for no prompt).</param>
    /// <param name="conversation">Its conversation's key (<see cref="Observation.Conversation"/>); 0 when unknown: the account's latest conversation.</param>
    /// <param name="options">The reading model.</param>
    public void Observe(long timestampMs, int turns, bool continues, ulong prompt, ulong conversation, RiskModelOptions options)
    {
        int slot = Find(conversation);
        bool found = slot >= 0;
        if (!found)
        {
            slot = Oldest();
        }

        ref var previous = ref _conversations[slot];
        if (continues && turns > 0)
        {
            turns = (found ? Math.Max(1, previous.Turns) : 1) + 2;
        }

        if (found && previous.Answer > 0 && turns > 2 && turns == previous.Turns + 2 && Fold(prompt) != previous.Prompt && prompt != 0)
        {
            // Out-of-order records count as simultaneous: a negative gap is no gap at all.
            double seconds = Math.Max(0, timestampMs - previous.Ms) / 1000.0;
            double log = Math.Log(Math.Max(1, seconds));
            FollowUps++;
            LogGapSum += log;
            LogGapSquares += log * log;
            if (previous.Answer >= options.ReadableAnswerTokens)
            {
                // Per answer token only after long answers: after a short one the fixed part of a pipeline's delay dominates.
                double pace = log - Math.Log(previous.Answer);
                Judged++;
                Rushed += seconds * options.ReadingTokensPerSecond < previous.Answer ? 1 : 0;
                LogPaceSum += pace;
                LogPaceSquares += pace * pace;
            }
        }

        previous = new Exchange { Ms = timestampMs, Prompt = Fold(prompt), Key = Fold(conversation), Turns = turns, Answer = 0 };
        _latest = slot;
    }

    /// <summary>Records what an exchange's answer gave the client to read, in the conversation it belongs to (its key, or the latest).</summary>
    public void ObserveServed(in ServedExchange served)
    {
        int slot = Find(served.Conversation);
        if (slot < 0)
        {
            return; // its conversation was pushed out by newer ones: nothing left to judge its next turn against
        }

        bool answered = served.Status is >= 200 and < 300 || (served.Status == 0 && served.OutputTokens > 0);

        // Reasoning, shown or withheld, is not what a person reads before answering back (clients fold it away): only the answer counts.
        _conversations[slot].Answer = answered ? Math.Max(0, served.OutputTokens - Math.Max(0, served.ReasoningTokens)) : 0;
    }

    /// <summary>The slot of <paramref name="conversation"/>, or of the latest exchange for key 0 (when there is one); -1 when not kept.</summary>
    private readonly int Find(ulong conversation)
    {
        if (conversation == 0)
        {
            return _conversations[_latest].Ms != 0 ? _latest : -1;
        }

        uint key = Fold(conversation);
        for (int i = 0; i < ConversationSlots; i++)
        {
            if (_conversations[i].Key == key && _conversations[i].Ms != 0)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The slot to reuse for a new conversation: an empty one, else the one least recently used.</summary>
    private readonly int Oldest()
    {
        int oldest = 0;
        for (int i = 1; i < ConversationSlots; i++)
        {
            if (_conversations[i].Ms < _conversations[oldest].Ms)
            {
                oldest = i;
            }
        }

        return oldest;
    }

    public void MergeFrom(in FollowUpPace other)
    {
        FollowUps += other.FollowUps;
        Judged += other.Judged;
        Rushed += other.Rushed;
        LogGapSum += other.LogGapSum;
        LogGapSquares += other.LogGapSquares;
        LogPaceSum += other.LogPaceSum;
        LogPaceSquares += other.LogPaceSquares;
    }

    /// <summary>
    /// How steady the follow-ups' pace is, in [0, 1]: by the spread of their log gaps (a user model that asks a
    /// fixed few seconds after each answer: 12-37 seconds is a spread of 0.3), or of their log gaps per answer token
    /// (one that waits for each stream to end, then asks at once; judged follow-ups only), whichever is steadier. 0 at a standard deviation of
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

        double spread = Math.Min(Spread(LogGapSum, LogGapSquares, FollowUps, humanSpread, priorGaps), Spread(LogPaceSum, LogPaceSquares, Judged, humanSpread, priorGaps));
        return Math.Clamp((humanSpread - spread) / (humanSpread - machineSpread), 0, 1);
    }

    private static double Spread(double sum, double squares, int count, double humanSpread, int priorGaps)
    {
        double mean = count == 0 ? 0 : sum / count;
        double deviations = Math.Max(0, squares - (count * mean * mean));
        return Math.Sqrt((deviations + (priorGaps * humanSpread * humanSpread)) / (count + priorGaps));
    }

    /// <summary>
    /// Conversations kept per account: a harvester that runs a few dialogues side by side on one account is still judged
    /// turn by turn (more at once push each other out, and their turns go unjudged: see <c>docs/threat-model.md</c>).
    /// </summary>
    internal const int ConversationSlots = 4;

    /// <summary>The latest exchange of one conversation: 24 bytes.</summary>
    private struct Exchange
    {
        /// <summary>When it arrived (Unix milliseconds; 0: an empty slot).</summary>
        public long Ms;

        /// <summary>Its prompt's SimHash, <see cref="Fold"/>ed: only compared for equality (a regenerated answer is no follow-up).</summary>
        public uint Prompt;

        /// <summary>Its conversation's key, <see cref="Fold"/>ed.</summary>
        public uint Key;

        public int Turns;

        /// <summary>Answer tokens the client could read (output less reasoning), once its served half is known.</summary>
        public int Answer;
    }

    /// <summary>A 64-bit hash in 32 bits for equality tests (0 stays 0, nothing else becomes 0): four slots fit in 96 bytes.</summary>
    private static uint Fold(ulong value)
    {
        uint folded = (uint)(value ^ (value >> 32));
        return folded != 0 || value == 0 ? folded : 1;
    }

    [System.Runtime.CompilerServices.InlineArray(ConversationSlots)]
    private struct Conversations
    {
        private Exchange _first;
    }
}
