using AntiDistill.Simulation;

namespace AntiDistill.Tests.Linkage;

/// <summary>
/// Schedule links (<see cref="LinkKind.Schedule"/>): quiet operators whose accounts share no card, network, client or
/// template are joined by the day their scheduler keeps them to, while people with their own days are not.
/// </summary>
public class ScheduleScenarioTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    private static (Dictionary<string, (string Population, Verdict Final)> Accounts, DistillationEngine Engine) Replay(Action<AntiDistillationOptions>? configure = null)
    {
        var scenario = new Scenario()
            .Add(new CampaignTaskSweep(), 40)
            .Add(new CampaignExplanationTuning(), 40)
            .Add(new OrganicCasual(), 300)
            .Add(new OrganicHeavyUser(), 10)
            .Add(new OrganicLongAnswers(), 100)
            .Add(new OrganicTeam(), 6);
        var engine = TestEngine.Create(o =>
        {
            // The weights fitted before organic_office_tool joined the calibration: with them the quiet families are
            // suspicious on their own, which this test needs. It is about what the schedule link does with suspicious
            // accounts; with today's defaults most quiet accounts are not suspicious, and so not linked (calibration.md).
            o.Risk.Bias = -2.64;
            o.Risk.SuspiciousThreshold = 0.63;
            o.Risk.Weights.SingleTurn = 2.25;
            o.Risk.Weights.TraceHarvest = 3.47;
            o.Risk.Weights.AroundTheClock = 1.63;
            o.Risk.Weights.ScheduledPacing = 3.12;
            configure?.Invoke(o);
        });
        var replay = new EngineReplay(engine);
        var accounts = new Dictionary<string, (string Population, Verdict Final)>();
        foreach (var request in scenario.Generate(5, PromptLibrary.BuiltIn(5), Start, TimeSpan.FromDays(7)))
        {
            accounts[request.Account] = (request.Population, replay.Observe(request).Verdict);
        }

        return (accounts, engine);
    }

    [Fact]
    public void Observe_QuietFamiliesSharingOnlyTheirScheduler_RatedCampaignThroughTheSchedule()
    {
        var (accounts, engine) = Replay();
        var quiet = accounts.Values.Where(a => a.Population.StartsWith("campaign", StringComparison.Ordinal)).ToList();
        int campaign = quiet.Count(a => a.Final == Verdict.Campaign);
        var organicCampaign = accounts.Where(kv => kv.Value.Population.StartsWith("organic", StringComparison.Ordinal) && kv.Value.Final == Verdict.Campaign)
            .Select(kv => kv.Value.Population).ToList();

        // The cohort rule needs 25 suspicious members, half the cluster: each family is 40 accounts on one schedule.
        Assert.True(campaign >= quiet.Count / 2, $"{campaign} of {quiet.Count} quiet accounts rated campaign");
        Assert.Empty(organicCampaign);

        // The built-in prompts' grammars also give these accounts shared frames; the schedule must be among what joined them.
        var campaignClusters = engine.GetClusters().Where(c => c.Verdict == Verdict.Campaign && c.Accounts.Count >= 25).ToList();
        Assert.Contains(campaignClusters, c => c.Evidence.GetValueOrDefault(LinkKind.Schedule) >= 10);
    }

    [Fact]
    public void Schedule_AccountsNotPacedLikeASchedule_HaveNoKey()
    {
        // Six requests in one sitting a day for a week: present every day, but in sittings.
        Assert.Equal(0UL, ScheduleOf(day => Enumerable.Range(0, 6).Select(i => day.AddHours(20).AddMinutes(2 * i))));

        // The same six spread over the working day: a schedule, keyed; another operator's window, another key.
        ulong working = ScheduleOf(day => Enumerable.Range(0, 6).Select(i => day.AddHours(9 + (1.5 * i))));
        ulong night = ScheduleOf(day => Enumerable.Range(0, 6).Select(i => day.AddHours(21 + (1.5 * i))));
        Assert.NotEqual(0UL, working);
        Assert.NotEqual(0UL, night);
        Assert.NotEqual(working, night);
    }

    private static ulong ScheduleOf(Func<DateTimeOffset, IEnumerable<DateTimeOffset>> times)
    {
        var state = new AccountState(new AccountId(1));
        var features = default(PromptFeatures);
        for (int d = 0; d < 7; d++)
        {
            foreach (var at in times(Start.AddDays(d)))
            {
                state.Observe(new RequestSummary(at.ToUnixTimeMilliseconds(), features, default(Observation), int.MaxValue), features, 0, new RiskModelOptions());
            }
        }

        Span<float> values = stackalloc float[RiskSignalNames.Count];
        state.ComputeSignals(new RiskModelOptions(), values);
        return state.ScheduleKey(values[(int)RiskSignal.ScheduledPacing]);
    }
}
