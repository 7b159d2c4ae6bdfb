using AntiDistill.Simulation;

namespace AntiDistill.Tests.Scenarios;

/// <summary>
/// The populations built against the engine's own evidence must really have the shape they claim in the traffic they
/// write: a dialogue harvest whose user model leaves no shared strings, a quiet operator whose scheduler keeps people's
/// days, and people whose work tool keeps an operator's schedule.
/// </summary>
public class RedTeamSchedulerTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    private static List<SimulatedRequest> Generate(Population population, int accounts) =>
        new Scenario().Add(population, accounts).Generate(3, PromptLibrary.BuiltIn(3), Start, TimeSpan.FromDays(7)).ToList();

    [Fact]
    public void DialogueHarvest_FollowUps_AreNotSharedStringsAcrossAccounts()
    {
        var requests = Generate(new CampaignDialogueHarvest(), 30);
        var followUps = requests.Where(r => r.TurnCount > 1).ToList();

        // A fixed list of follow-ups would let the accounts be linked by their strings, which a user model does not leave.
        int accountsPerString = followUps.GroupBy(r => r.Prompt).Max(g => g.Select(r => r.Account).Distinct().Count());
        Assert.True(followUps.Count > 300, $"{followUps.Count} follow-ups");
        Assert.True(followUps.Select(r => r.Prompt).Distinct().Count() > followUps.Count / 2, "most follow-ups are written afresh");
        Assert.True(accountsPerString <= 3, $"one follow-up string sent by {accountsPerString} accounts");
    }

    [Fact]
    public void TaskSweep_PersonaSchedule_KeepsPeoplesDaysNotTheOperatorsWindow()
    {
        var persona = Generate(new CampaignTaskSweep { PersonaSchedule = true }, 40);
        var operatorRun = Generate(new CampaignTaskSweep(), 40);

        Assert.All(persona, r => Assert.Equal("campaign_persona_sweep", r.Population));
        Assert.All(operatorRun, r => Assert.Equal("campaign_task_sweep", r.Population));

        // The operator's scheduler is on every account every day; the persona scheduler skips about three days in ten.
        Assert.True(ActiveDayShare(operatorRun) > 0.95, $"operator: {ActiveDayShare(operatorRun):P0} of account-days active");
        Assert.InRange(ActiveDayShare(persona), 0.55, 0.85);

        // A persona's day is one or two sittings, so its requests sit within a few hours; the operator spreads them over its window.
        Assert.True(MedianDaySpanHours(persona) < MedianDaySpanHours(operatorRun) / 2,
            $"persona {MedianDaySpanHours(persona):F1} h, operator {MedianDaySpanHours(operatorRun):F1} h");

        // The same recipe and the same volume: only the schedule differs.
        Assert.InRange(persona.Count / (double)operatorRun.Count, 0.7, 1.4);
    }

    [Fact]
    public void OfficeTool_SingleRequestsThroughTheWorkingDayOnWeekdays()
    {
        // The trap for the schedule signals: present day after day, spread over the working day, never in conversation.
        var requests = Generate(new OrganicOfficeTool(), 60); // the scenario starts on a Monday: five weekdays, a weekend
        Assert.All(requests, r => Assert.Equal(1, r.TurnCount));

        // Nine weekdays in ten and one weekend day in ten: about 4.7 of the 7 days.
        Assert.InRange(ActiveDayShare(requests), 0.55, 0.8);
        Assert.True(MedianDaySpanHours(requests) > 4, $"a working day spans {MedianDaySpanHours(requests):F1} h");
    }

    private static double ActiveDayShare(List<SimulatedRequest> requests)
    {
        int accounts = requests.Select(r => r.Account).Distinct().Count();
        int accountDays = requests.Select(r => (r.Account, r.Timestamp.UtcDateTime.Date)).Distinct().Count();
        return accountDays / (accounts * 7.0);
    }

    private static double MedianDaySpanHours(List<SimulatedRequest> requests)
    {
        // Account-days by UTC date, days of three requests or more (a span needs a few).
        var spans = requests.GroupBy(r => (r.Account, r.Timestamp.UtcDateTime.Date))
            .Where(g => g.Count() >= 3)
            .Select(g => (g.Max(r => r.Timestamp) - g.Min(r => r.Timestamp)).TotalHours)
            .Order()
            .ToList();
        return spans[spans.Count / 2];
    }
}
