using FsCheck.Xunit;

namespace AntiDistill.Tests.Accounts;

/// <summary>The <see cref="RiskSignal.RushedFollowUps"/> signal: the next question before the answer could have been read.</summary>
public class RushedFollowUpsTests
{
    private static readonly DateTimeOffset Evening = new(2026, 3, 2, 19, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// One conversation of <paramref name="turns"/> user turns, each answered with <paramref name="answerTokens"/> tokens
    /// and followed <paramref name="gap"/> later by the next; <paramref name="sameText"/> repeats the first prompt every
    /// turn (an agent loop relaying tool results).
    /// </summary>
    private static Assessment Conversation(DistillationEngine engine, AccountId account, int turns, int answerTokens, TimeSpan gap,
        bool sameText = false, int reasoningTokens = 0, int tools = 0)
    {
        Assessment last = default;
        for (int t = 0; t < turns; t++)
        {
            string prompt = sameText || t == 0 ? "explain how vaccines train the immune system" : TestText.Words(t, 12);
            last = Exchange(engine, account, Evening + (gap * t), prompt, (2 * t) + 1, answerTokens, tools, reasoningTokens: reasoningTokens);
        }

        return last;
    }

    /// <summary>
    /// One conversation of <paramref name="turns"/> turns on a fresh engine, each with new words: turn t is answered with
    /// <paramref name="answer"/>(t) tokens and followed <paramref name="gapSeconds"/>(t, answer) later by the next.
    /// </summary>
    private static Assessment Turns(int turns, Func<int, int> answer, Func<int, int, double> gapSeconds)
    {
        var engine = TestEngine.Create();
        var account = engine.Account(1);
        var at = Evening;
        Assessment last = default;
        for (int t = 0; t < turns; t++)
        {
            int tokens = answer(t);
            last = Exchange(engine, account, at, TestText.Words(t, 12), (2 * t) + 1, tokens);
            at = at.AddSeconds(gapSeconds(t, tokens));
        }

        return last;
    }

    private static float Rushed(Assessment assessment) => assessment[RiskSignal.RushedFollowUps].Value;

    /// <summary>One exchange: a request with <paramref name="prompt"/> at turn count <paramref name="turns"/>, answered with <paramref name="answerTokens"/>.</summary>
    /// <remarks><paramref name="reasoningTokens"/> come on top of the answer, as usage reports them (output includes reasoning).</remarks>
    private static Assessment Exchange(DistillationEngine engine, AccountId account, DateTimeOffset at, string prompt, int turns, int answerTokens,
        int tools = 0, int status = 200, int reasoningTokens = 0, ulong conversation = 0)
    {
        var assessment = engine.Observe(new Observation
        {
            Account = account,
            Timestamp = at,
            Prompt = TestText.Utf8(prompt),
            TurnCount = turns,
            ToolCount = tools,
            Conversation = conversation,
        });
        engine.ObserveServed(new ServedExchange
        {
            Account = account,
            Timestamp = at,
            Conversation = conversation,
            Status = status,
            OutputTokens = answerTokens + reasoningTokens,
            ReasoningTokens = reasoningTokens,
        });
        return assessment;
    }

    [Fact]
    public void RushedFollowUps_NextQuestionSecondsAfterLongAnswers_Strong()
    {
        // 1,500 tokens take 150 s at the default 10 a second; every follow-up came 20 s later. The last turn's own answer
        // is not judged yet, so 11 follow-ups, all rushed: 11 / (11 + 8). Their spread, 0, after five prior gaps at a
        // person's spread (0.9): sqrt(5 x 0.81 / 16) = 0.50, steadiness (0.9 - 0.50) / (0.9 - 0.4) = 0.79.
        var engine = TestEngine.Create();
        var last = Conversation(engine, engine.Account(1), turns: 12, answerTokens: 1500, gap: TimeSpan.FromSeconds(20));
        Assert.Equal(11 / 19.0 * ((0.9 - Math.Sqrt(5 * 0.81 / 16)) / 0.5), Rushed(last), 1e-4);
    }

    [Fact]
    public void RushedFollowUps_SteadyPaceAfterShortAnswersToo_CountsTowardsSteadiness()
    {
        // Answers of 1,500 and 150 tokens in turn, every follow-up 20 s later. The six after a long answer are judged and
        // rushed; all eleven show the pace: spread sqrt(5 x 0.81 / (11 + 5)) = 0.50, steadiness 0.79. Judged ones alone
        // would read sqrt(5 x 0.81 / 11) = 0.61, steadiness 0.59.
        var last = Turns(12, t => t % 2 == 0 ? 1500 : 150, (_, _) => 20);
        Assert.Equal(6 / 14.0 * ((0.9 - Math.Sqrt(5 * 0.81 / 16)) / 0.5), Rushed(last), 1e-4);
    }

    [Fact]
    public void RushedFollowUps_PipelineWaitingForEachStreamToEnd_SteadyPerAnswerToken()
    {
        // Answers of 400 to 3,600 tokens, each followed when its stream ends (50 tokens a second) plus 3 s: the gaps vary
        // eightfold, their time per answer token hardly at all.
        var last = Turns(20, t => 400 * (1 + (t % 9)), (_, answer) => (answer / 50.0) + 3);
        Assert.True(Rushed(last) > 0.5f, $"{Rushed(last)}");
    }

    [Fact]
    public void RushedFollowUps_RushedAtAPersonsVaryingPace_Zero()
    {
        // 3,000-token answers (300 s to read) and every reply sooner, but 8 s, then 60 s, then 250 s: a person skimming,
        // whose think time varies several-fold (log spread 1.4, above the 0.9 at which steadiness is gone).
        var last = Turns(12, _ => 3000, (t, _) => (t % 3) switch { 0 => 8, 1 => 60, _ => 250 });
        Assert.Equal(0f, Rushed(last));
    }

    [Fact]
    public void RushedFollowUps_ResponsesWithServerSideState_TurnsFollowTheAccountsPreviousExchange()
    {
        // previous_response_id: every body carries one turn, the history is the server's. Such turns are neither single-turn
        // requests nor exempt from the pace: each is the next turn of the exchange before it.
        var engine = TestEngine.Create();
        var account = engine.Account(1);
        Assessment last = default;
        for (int t = 0; t < 12; t++)
        {
            var at = Evening.AddSeconds(t * 20);
            last = engine.Observe(new Observation
            {
                Account = account,
                Timestamp = at,
                Prompt = TestText.Utf8(TestText.Words(t, 12)),
                TurnCount = 1,
                ContinuesConversation = t > 0,
            });
            engine.ObserveServed(new ServedExchange { Account = account, Timestamp = at, Status = 200, OutputTokens = 1500 });
        }

        Assert.Equal(11 / 19.0 * ((0.9 - Math.Sqrt(5 * 0.81 / 16)) / 0.5), Rushed(last), 1e-4);
        Assert.True(last[RiskSignal.SingleTurn].Value < 0.1f, $"{last[RiskSignal.SingleTurn].Value}"); // only the first of twelve
    }

    [Fact]
    public void RushedFollowUps_PersonWhoReadsTheAnswers_Zero()
    {
        var engine = TestEngine.Create();
        var last = Conversation(engine, engine.Account(1), turns: 12, answerTokens: 1500, gap: TimeSpan.FromSeconds(160));
        Assert.Equal(0f, Rushed(last));
    }

    [Fact]
    public void RushedFollowUps_ShortAnswers_AreNotJudged()
    {
        // "thanks" after a 100-token answer is no evidence of anything.
        var engine = TestEngine.Create();
        var last = Conversation(engine, engine.Account(1), turns: 12, answerTokens: 100, gap: TimeSpan.FromSeconds(3));
        Assert.Equal(0f, Rushed(last));
    }

    [Fact]
    public void RushedFollowUps_AgentLoopRelayingToolResults_AreNoFollowUps()
    {
        // A coding agent's steps carry the task's text again (tool results are no prompt): machine pace is its nature.
        var engine = TestEngine.Create();
        var last = Conversation(engine, engine.Account(1), turns: 12, answerTokens: 1500, gap: TimeSpan.FromSeconds(5), sameText: true);
        Assert.Equal(0f, Rushed(last));
    }

    [Fact]
    public void RushedFollowUps_AgentLoopDeclaringTools_AreNoFollowUps()
    {
        // A step's prompt may be new text (a client that sends tool output as the user turn): tools declared is enough.
        var engine = TestEngine.Create();
        var last = Conversation(engine, engine.Account(1), turns: 12, answerTokens: 2000, gap: TimeSpan.FromSeconds(5), tools: 3);
        Assert.Equal(0f, Rushed(last));
    }

    [Fact]
    public void RushedFollowUps_ReasoningFoldedAway_OnlyTheAnswerIsRead()
    {
        // 4,000 tokens of thinking and a 200-token answer: a quick reply to the answer is not rushed.
        var engine = TestEngine.Create();
        var last = Conversation(engine, engine.Account(1), turns: 12, answerTokens: 200, gap: TimeSpan.FromSeconds(20), reasoningTokens: 4000);
        Assert.Equal(0f, Rushed(last));
    }

    [Fact]
    public void RushedFollowUps_AnotherConversationInBetween_NotJudgedAgainstItsAnswer()
    {
        // Two conversations interleaved (two tabs, or an app's users on one key): a turn follows the other conversation's
        // answer, whose turn count is not two less, so nothing is judged.
        var engine = TestEngine.Create();
        var account = engine.Account(1);
        Assessment last = default;
        var at = Evening;
        for (int t = 0; t < 10; t++)
        {
            foreach (int conversation in new[] { 0, 1 })
            {
                last = Exchange(engine, account, at, TestText.Words((t * 2) + conversation, 10), (2 * t) + 1 + (conversation * 40), 2000);
                at = at.AddSeconds(10);
            }
        }

        Assert.Equal(0f, Rushed(last));
    }

    [Fact]
    public void RushedFollowUps_DialoguesSideBySideKeyedByConversation_EachJudgedAgainstItsOwn()
    {
        // The same three interleaved dialogues, as a harvester's parallel workers on one account send them: each turn 10 s
        // after the account's previous request, 30 s after its own conversation's 2,000-token answer (200 s to read).
        float rushed = Rushed(Interleaved(conversations: 3));
        Assert.True(rushed > 0.3f, $"{rushed}");
    }

    [Fact]
    public void RushedFollowUps_MoreDialoguesSideBySideThanSlots_NotJudged()
    {
        // Six at once push each other out of the four slots kept: the limit threat-model.md names.
        Assert.Equal(0f, Rushed(Interleaved(conversations: FollowUpPace.ConversationSlots + 2)));
    }

    private static Assessment Interleaved(int conversations)
    {
        var engine = TestEngine.Create();
        var account = engine.Account(1);
        Assessment last = default;
        var at = Evening;
        for (int t = 0; t < 8; t++)
        {
            for (int c = 0; c < conversations; c++)
            {
                last = Exchange(engine, account, at, TestText.Words((t * 10) + c, 10), (2 * t) + 1, 2000, conversation: (ulong)(c + 1));
                at = at.AddSeconds(10);
            }
        }

        return last;
    }

    [Fact]
    public void ObserveServed_AnswersArrivingOutOfOrder_CountInTheirOwnConversation()
    {
        // Two streams in flight on one account: the second request's answer ends first. Keyed, each answer lands in its
        // own conversation, and both conversations' next turns are judged against them.
        var options = new RiskModelOptions();
        var pace = default(FollowUpPace);
        long at = 1_700_000_000_000;
        for (int t = 0; t < 4; t++)
        {
            pace.Observe(at, (2 * t) + 1, continues: false, prompt: (ulong)(100 + t), conversation: 1, options);
            pace.Observe(at + 1_000, (2 * t) + 1, continues: false, prompt: (ulong)(200 + t), conversation: 2, options);
            pace.ObserveServed(new ServedExchange { Status = 200, OutputTokens = 2000, Conversation = 2 });
            pace.ObserveServed(new ServedExchange { Status = 200, OutputTokens = 2000, Conversation = 1 });
            at += 15_000;
        }

        Assert.Equal(6, pace.Judged); // turns 2-4 of both
        Assert.Equal(6, pace.Rushed);
    }

    [Fact]
    public void RushedFollowUps_FailedAnswer_NothingToRead()
    {
        var engine = TestEngine.Create();
        var account = engine.Account(1);
        Exchange(engine, account, Evening, "first question here", 1, 2000, status: 500);
        var last = Exchange(engine, account, Evening.AddSeconds(2), "second question there", 3, 2000);
        Assert.Equal(0f, Rushed(last));
    }

    [Fact]
    public void RushedFollowUps_Weighted_RaisesRiskAboveAPatientReader()
    {
        // A weight of its own: the test is about the signal reaching the risk, not about the fitted default.
        var engine = TestEngine.Create(o => o.Risk.Weights.RushedFollowUps = 2);
        var rushed = Conversation(engine, engine.Account(1), turns: 8, answerTokens: 1200, gap: TimeSpan.FromSeconds(15));
        var patient = Conversation(engine, engine.Account(2), turns: 8, answerTokens: 1200, gap: TimeSpan.FromSeconds(180));
        Assert.True(rushed.Risk > patient.Risk, $"{TestEngine.Describe(rushed)} vs {TestEngine.Describe(patient)}");
    }

    [Property(MaxTest = 200)]
    public bool RushedFollowUps_ArbitraryExchanges_InUnitInterval(int[] turns, int[] answers, short[] gapsSeconds)
    {
        var engine = TestEngine.Create();
        var account = engine.Account(1);
        var at = Evening;
        Assessment last = default;
        for (int i = 0; i < Math.Min(turns?.Length ?? 0, 60); i++)
        {
            int answer = answers is { Length: > 0 } ? answers[i % answers.Length] : 0;
            last = Exchange(engine, account, at, TestText.Words(i, 6), turns![i], answer, reasoningTokens: answer / 3);
            at = at.AddSeconds(gapsSeconds is { Length: > 0 } ? gapsSeconds[i % gapsSeconds.Length] : 1); // negative: out of order
        }

        float value = turns is { Length: > 0 } ? Rushed(last) : 0;
        return value is >= 0 and <= 1;
    }

    [Property(MaxTest = 300)]
    public bool FollowUpPace_MergedFromArbitraryExchanges_CountsAddAndSteadinessStaysInUnitInterval(int[] turns, int[] answers, int[] gapsMs)
    {
        var options = new RiskModelOptions();
        FollowUpPace a = default, b = default;
        long at = 1_700_000_000_000;
        int n = Math.Min(turns?.Length ?? 0, 80);
        for (int i = 0; i < n; i++)
        {
            ref var pace = ref (i % 2 == 0 ? ref a : ref b);
            ulong conversation = (ulong)(i % 7); // 0 (the latest) and six keys: more than the slots hold
            pace.Observe(at, turns![i], continues: i % 5 == 4, (ulong)(i + 1), conversation, options);
            int answer = answers is { Length: > 0 } ? answers[i % answers.Length] : 0;
            pace.ObserveServed(new ServedExchange { Status = 200, OutputTokens = answer, ReasoningTokens = answer / 4, Conversation = (ulong)(i % 3) });
            at += gapsMs is { Length: > 0 } ? gapsMs[i % gapsMs.Length] : 1000;
        }

        var merged = a;
        merged.MergeFrom(b);
        double steadiness = merged.Steadiness(0.9, 0.4, 5);
        return merged.Judged == a.Judged + b.Judged && merged.Rushed == a.Rushed + b.Rushed && merged.Rushed <= merged.Judged
            && merged.FollowUps == a.FollowUps + b.FollowUps && merged.Judged <= merged.FollowUps
            && steadiness is >= 0 and <= 1 && !double.IsNaN(steadiness);
    }
}
