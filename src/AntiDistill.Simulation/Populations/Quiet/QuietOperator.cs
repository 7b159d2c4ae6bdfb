namespace AntiDistill.Simulation;

/// <summary>
/// The operator behind the quiet families: one that has read about hydra detection. Every account is aged (weeks to
/// months old), has its own card, mailbox, browser and residential address, and sends a few requests a day; half of
/// its traffic is cover (ordinary conversations drawn from the same organic corpora as real users), the rest follows a
/// published distillation recipe (<see cref="Harvest"/>). No reasoning switch, ordinary output budgets, no shared
/// wrapper or infrastructure. What the accounts cannot help sharing is the scheduler that drives them all: it starts
/// them the same week, spreads each account's daily quota over the operator's working day, and asks every harvest item
/// for the same output budget.
/// </summary>
public abstract class QuietOperator : Population
{
    /// <summary>Share of an account's requests that follow the recipe (the rest is cover). Default 0.5.</summary>
    public double HarvestShare { get; init; } = 0.5;

    /// <summary>Mean requests per account per day. Default 6.</summary>
    public double RequestsPerDay { get; init; } = 6;

    /// <summary>The operator's UTC offset in hours (its scheduler works the operator's day). Default 8.</summary>
    public int OperatorUtcOffset { get; init; } = 8;

    /// <summary>When the scheduler's working day starts, in the operator's local hours. Default 8.</summary>
    public double WindowStartHour { get; init; } = 8;

    /// <summary>How long the scheduler's working day is, in hours. Default 14.</summary>
    public double WindowHours { get; init; } = 14;

    /// <summary>The output budget the scheduler sets on every harvest request (an ordinary one). Default 2048.</summary>
    public int HarvestBudget { get; init; } = 2048;

    /// <summary>
    /// Whether the scheduler imitates people's days instead of working its own: each account keeps a persona's time
    /// zone, skips three days in ten, and sends its day's requests in one or two sittings (mostly evenings), a person's
    /// think time apart. An operator that has read about schedule detection (<c>scheduled_pacing</c>,
    /// <c>around_the_clock</c>, <c>shared_schedule</c>) does this; what it still cannot change is what each account
    /// asks and takes away. Default false.
    /// </summary>
    public bool PersonaSchedule { get; init; }

    /// <inheritdoc />
    public override bool IsCampaign => true;

    // Each family below runs its own scheduler (window, rate, budget, time zone), so that no signal can learn one
    // scheduler's habits from the other families and pass the leave-one-family-out test on them.

    /// <inheritdoc />
    public override IEnumerable<SimulatedRequest> Generate(PopulationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var rng = context.Rng;
        foreach (string account in context.Accounts)
        {
            int tz = PersonaSchedule ? Rhythm.TimeZone(rng) : 0; // drawn only when used: the other families' streams stay as they were
            var person = Clients.Person(account, rng) with
            {
                AccountCreated = context.Start.AddDays(-(21 + rng.Next(150))).AddMinutes(rng.Next(1440)),
            };
            for (var day = context.Start.Date; day < context.End; day = day.AddDays(1))
            {
                // A residential proxy session per account and day: an address no other account shares.
                var client = person with { Ip = Clients.ResidentialIp(rng), Asn = Clients.ResidentialAsn(rng) };
                var times = PersonaSchedule ? PersonaDay(day, tz, rng) : OperatorDay(day, rng);
                foreach (var at in times)
                {
                    if (rng.NextDouble() < HarvestShare)
                    {
                        yield return Harvest(context, account, at, rng) with { Client = client };
                        continue;
                    }

                    foreach (var cover in Conversation.Chat(this, account, at, context, Rhythm.Geometric(rng, 1.6), reasoningShare: 0.05, cotShare: 0.05, PromptKind.Organic, client))
                    {
                        yield return cover;
                    }
                }
            }
        }
    }

    /// <summary>The day's request times as the operator's scheduler spreads a quota over its working window.</summary>
    private List<DateTimeOffset> OperatorDay(DateTime day, Random rng)
    {
        int quota = Rhythm.Poisson(rng, RequestsPerDay);
        var times = new List<DateTimeOffset>(quota);
        for (int i = 0; i < quota; i++)
        {
            times.Add(new DateTimeOffset(day, TimeSpan.Zero).AddHours(WindowStartHour + (rng.NextDouble() * WindowHours) - OperatorUtcOffset));
        }

        times.Sort();
        return times;
    }

    /// <summary>
    /// The day's request times as a person would leave them: absent on some days, otherwise one or two sittings in the
    /// persona's own time zone, the requests of a sitting a person's think time apart. The same mean quota per day.
    /// </summary>
    private List<DateTimeOffset> PersonaDay(DateTime day, int tz, Random rng)
    {
        const double ActiveDayShare = 0.7;
        var times = new List<DateTimeOffset>();
        if (rng.NextDouble() >= ActiveDayShare)
        {
            return times;
        }

        int quota = Rhythm.Poisson(rng, RequestsPerDay / ActiveDayShare);
        int sittings = 1 + rng.Next(2);
        var day0 = new DateTimeOffset(day, TimeSpan.Zero);
        for (int sitting = 0; sitting < sittings; sitting++)
        {
            var at = Rhythm.SessionStart(day0, tz, rng);
            for (int i = sitting; i < quota; i += sittings)
            {
                times.Add(at);
                at = at.AddSeconds(Rhythm.ThinkSeconds(rng));
            }
        }

        times.Sort();
        return times;
    }

    /// <summary>One request of the recipe, single-turn, at <paramref name="at"/> (the client is filled in by the caller).</summary>
    protected abstract SimulatedRequest Harvest(PopulationContext context, string account, DateTimeOffset at, Random rng);
}
