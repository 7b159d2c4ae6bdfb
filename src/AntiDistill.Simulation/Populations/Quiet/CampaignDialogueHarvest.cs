namespace AntiDistill.Simulation;

/// <summary>
/// Multi-turn dialogue harvesting (the UltraChat recipe, Ding et al. 2023, and Baize's self-chat, Xu et al. 2023): a
/// second model plays the user, opens with a seed question (world questions, writing and reasoning tasks from public
/// collections) and writes each follow-up from the answer it just got, for several turns, so the teacher's side of
/// whole conversations becomes training data.
/// </summary>
/// <remarks>
/// A red-team family built against the engine's own evidence rather than from it: unlike <see cref="QuietOperator"/>'s
/// families, its scheduler imitates people. Each account keeps a persona's time zone and evening sittings, skips a day
/// now and then, and a sitting is one dialogue of several turns, so the account is neither present every day nor
/// spread over the day (<c>scheduled_pacing</c>), and most of its requests carry history (<c>single_turn</c>). What it
/// cannot imitate cheaply is the user's side: the simulated user answers in seconds (the teacher's answer streams, the
/// user model writes the next question), every turn, every sitting. Aged accounts, their own card, browser and
/// residential address, no shared wrapper.
/// </remarks>
public sealed class CampaignDialogueHarvest : Population
{
    private static readonly PromptKind[] Seeds = [PromptKind.Organic, PromptKind.Organic, PromptKind.Reasoning, PromptKind.Coding];

    /// <summary>Chance that an account is active on a given day. Default 0.7.</summary>
    public double ActiveDayShare { get; init; } = 0.7;

    /// <summary>The output budget the harvester sets on every turn. Default 2048.</summary>
    public int Budget { get; init; } = 2048;

    /// <summary>
    /// Whether the user model streams each answer to its end before it writes the next question (a pipeline that calls
    /// the API turn by turn, as UltraChat's and Baize's generators do), so that the time between turns is the answer's
    /// generation time plus a few seconds: the variant <c>campaign_dialogue_streamed</c>. Default false: a fixed
    /// 12-37 seconds, whatever the answer.
    /// </summary>
    public bool WaitsForAnswer { get; init; }

    /// <summary>
    /// Dialogues each sitting runs side by side on the account (parallel workers of the harvester sharing it), their
    /// turns interleaved: the variant <c>campaign_dialogue_parallel</c> when more than one. Default 1.
    /// </summary>
    public int Parallel { get; init; } = 1;

    /// <inheritdoc />
    public override string Name => Parallel > 1 ? "campaign_dialogue_parallel" : WaitsForAnswer ? "campaign_dialogue_streamed" : "campaign_dialogue_harvest";

    /// <inheritdoc />
    public override bool IsCampaign => true;

    /// <inheritdoc />
    public override IEnumerable<SimulatedRequest> Generate(PopulationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var rng = context.Rng;
        foreach (string account in context.Accounts)
        {
            int tz = Rhythm.TimeZone(rng);
            var person = Clients.Person(account, rng) with
            {
                AccountCreated = context.Start.AddDays(-(21 + rng.Next(150))).AddMinutes(rng.Next(1440)),
            };
            for (var day = context.Start.Date; day < context.End; day = day.AddDays(1))
            {
                if (rng.NextDouble() >= ActiveDayShare)
                {
                    continue;
                }

                var client = person with { Ip = Clients.ResidentialIp(rng), Asn = Clients.ResidentialAsn(rng) };
                var day0 = new DateTimeOffset(day, TimeSpan.Zero);
                for (int sitting = 0, sittings = 1 + rng.Next(2); sitting < sittings; sitting++)
                {
                    var start = Rhythm.SessionStart(day0, tz, rng);
                    for (int worker = 0; worker < Parallel; worker++)
                    {
                        // Workers start a few seconds apart; the scenario orders all requests by time, so their turns interleave.
                        foreach (var request in Dialogue(context, account, start.AddSeconds(worker * (1 + (rng.NextDouble() * 9))), client, rng))
                        {
                            yield return request;
                        }
                    }
                }
            }
        }
    }

    private IEnumerable<SimulatedRequest> Dialogue(PopulationContext context, string account, DateTimeOffset at, ClientProfile client, Random rng)
    {
        var seed = context.Prompts.Pick(Seeds[rng.Next(Seeds.Length)], rng);

        // The teacher's answer streams in, then the user model writes the next question: seconds, not a person's minutes.
        // Streamed: the teacher generates 40-60 tokens a second, then the user model takes 2-8 s.
        return WaitsForAnswer
            ? Conversation.Dialogue(this, account, at, seed, r => UserModelAsks.Next(seed.Text, r), Budget, client, rng,
                (r, sent) => (ServedModel.Serve(sent).OutputTokens / (40 + (r.NextDouble() * 20))) + 2 + (r.NextDouble() * 6))
            : Conversation.Dialogue(this, account, at, seed, r => UserModelAsks.Next(seed.Text, r), Budget, client, rng, (r, _) => 12 + (r.NextDouble() * 25));
    }
}
