using System.Globalization;
using System.Text;
using AntiDistill.Simulation;

namespace AntiDistill.Tests.Scenarios;

/// <summary>
/// Seeded simulations with the built-in prompts, replayed through an engine with default options. Generated
/// and replayed once per class (a few seconds), then every test reads the recorded assessments.
/// </summary>
public sealed class SeededScenarioFixture
{
    public const int Seed = 1;
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
    public static readonly TimeSpan Duration = TimeSpan.FromDays(3);

    public SeededScenarioFixture()
    {
        var prompts = PromptLibrary.BuiltIn(1);

        // The acceptance scenario: a CoT sweep hidden among the traps that look most like it.
        Acceptance = Replay(new Scenario()
            .Add(new CampaignCotSweep(), 20)
            .Add(new OrganicHeavyUser(), 1)
            .Add(new OrganicBatchJob(), 1)
            .Add(new OrganicBenchmarkEvaluator(), 1), prompts);

        Mixed = Replay(new Scenario()
            .Add(new CampaignGradingSweep(), 5)
            .Add(new OrganicCodingAgent(), 20)
            .Add(new OrganicCasual(), 100), prompts);
    }

    /// <summary>Per account, in order: each request and the assessment right after it.</summary>
    public IReadOnlyDictionary<string, List<(SimulatedRequest Request, Assessment Assessment)>> Acceptance { get; }

    public IReadOnlyDictionary<string, List<(SimulatedRequest Request, Assessment Assessment)>> Mixed { get; }

    private static Dictionary<string, List<(SimulatedRequest, Assessment)>> Replay(Scenario scenario, PromptLibrary prompts)
    {
        var replay = new EngineReplay(new DistillationEngine(new AntiDistillationOptions()));
        var byAccount = new Dictionary<string, List<(SimulatedRequest, Assessment)>>(StringComparer.Ordinal);
        foreach (var request in scenario.Generate(Seed, prompts, Start, Duration))
        {
            if (!byAccount.TryGetValue(request.Account, out var list))
            {
                byAccount[request.Account] = list = [];
            }

            list.Add((request, replay.Observe(request)));
        }

        return byAccount;
    }
}

public class SeededScenarioTests(SeededScenarioFixture fixture) : IClassFixture<SeededScenarioFixture>
{
    private const int FlagWithin = 30;

    private static IEnumerable<KeyValuePair<string, List<(SimulatedRequest Request, Assessment Assessment)>>> Of(
        IReadOnlyDictionary<string, List<(SimulatedRequest Request, Assessment Assessment)>> run, string population) =>
        run.Where(kv => kv.Value[0].Request.Population == population).OrderBy(kv => kv.Key, StringComparer.Ordinal);

    [Fact]
    public void AcceptanceScenario_EveryCotSweepAccount_IsSuspiciousWithinThirtyRequests()
    {
        var accounts = Of(fixture.Acceptance, "campaign_cot_sweep").ToList();
        Assert.Equal(20, accounts.Count);
        Assert.All(accounts, kv => Assert.True(kv.Value.Count >= FlagWithin, $"{kv.Key} sent only {kv.Value.Count} requests"));

        AssertFlaggedWithin(accounts);
    }

    [Fact]
    public void AcceptanceScenario_HeavyUserBatchJobAndBenchmarkEvaluator_StayOrganicAtEveryRequest()
    {
        var traps = new[] { "organic_heavy", "organic_batch_job", "organic_benchmark_eval" }
            .SelectMany(p => Of(fixture.Acceptance, p))
            .ToList();
        Assert.Equal(3, traps.Count);

        // Each trap is the real thing: hundreds of requests (the batch job thousands), not a handful.
        Assert.All(traps, kv => Assert.True(kv.Value.Count >= 200, $"{kv.Key} sent only {kv.Value.Count} requests"));

        AssertAlwaysOrganic(traps);
    }

    [Fact]
    public void GradingSweep_EveryAccount_IsSuspiciousWithinThirtyRequests()
    {
        var accounts = Of(fixture.Mixed, "campaign_grading_sweep").ToList();
        Assert.Equal(5, accounts.Count);
        Assert.All(accounts, kv => Assert.True(kv.Value.Count >= FlagWithin, $"{kv.Key} sent only {kv.Value.Count} requests"));

        AssertFlaggedWithin(accounts);
    }

    [Fact]
    public void CodingAgentUsers_StayOrganicAtEveryRequest()
    {
        var users = Of(fixture.Mixed, "organic_coding_agent").ToList();
        Assert.Equal(20, users.Count);
        Assert.True(users.Sum(kv => kv.Value.Count) >= 1000, $"coding agents sent {users.Sum(kv => kv.Value.Count)} requests");

        AssertAlwaysOrganic(users);
    }

    [Fact]
    public void CasualUsers_StayOrganicAtEveryRequest()
    {
        var users = Of(fixture.Mixed, "organic_casual").ToList();

        // Casual users skip some days; over three days nearly all of 100 show up.
        Assert.InRange(users.Count, 80, 100);

        AssertAlwaysOrganic(users);
    }

    private static void AssertFlaggedWithin(List<KeyValuePair<string, List<(SimulatedRequest Request, Assessment Assessment)>>> accounts)
    {
        var failures = new StringBuilder();
        foreach (var (account, requests) in accounts)
        {
            int first = requests.FindIndex(r => r.Assessment.Verdict >= Verdict.Suspicious);
            if (first >= 0 && first < FlagWithin)
            {
                continue;
            }

            int peak = 0;
            for (int i = 1; i < Math.Min(FlagWithin, requests.Count); i++)
            {
                peak = requests[i].Assessment.Risk > requests[peak].Assessment.Risk ? i : peak;
            }

            var sample = requests[0].Request;
            var at30 = requests[Math.Min(FlagWithin, requests.Count) - 1].Assessment;
            failures.Append(CultureInfo.InvariantCulture,
                $"\n{account}: first flagged at request {(first < 0 ? "never" : (first + 1).ToString(CultureInfo.InvariantCulture))} of {requests.Count}; " +
                $"max_tokens={sample.MaxOutputTokens} reasoning={sample.Reasoning} source={sample.Source}; " +
                $"first prompt \"{Shorten(sample.Prompt)}\"\n  peak in first {FlagWithin} at request {peak + 1}: {TestEngine.Describe(requests[peak].Assessment)}" +
                $"\n  at request {at30.Requests}: {TestEngine.Describe(at30)}");
        }

        Assert.True(failures.Length == 0, $"not Suspicious within {FlagWithin} requests:{failures}");
    }

    private static void AssertAlwaysOrganic(List<KeyValuePair<string, List<(SimulatedRequest Request, Assessment Assessment)>>> accounts)
    {
        var failures = new StringBuilder();
        int failed = 0;
        foreach (var (account, requests) in accounts)
        {
            int first = requests.FindIndex(r => r.Assessment.Verdict != Verdict.Organic);
            if (first < 0)
            {
                continue;
            }

            if (++failed > 10)
            {
                continue;
            }

            var (request, assessment) = requests[first];
            int flagged = requests.Count(r => r.Assessment.Verdict != Verdict.Organic);
            failures.Append(CultureInfo.InvariantCulture,
                $"\n{account}: {assessment.Verdict} at request {first + 1} of {requests.Count} ({flagged} flagged in all); " +
                $"turns={request.TurnCount} max_tokens={request.MaxOutputTokens} reasoning={request.Reasoning} tools={request.ToolCount} " +
                $"prompt \"{Shorten(request.Prompt)}\"\n  {TestEngine.Describe(assessment)}");
        }

        Assert.True(failed == 0, $"{failed} organic account(s) left Organic:{failures}");
    }

    private static string Shorten(string text)
    {
        string line = text.ReplaceLineEndings(" ");
        return line.Length <= 120 ? line : line[..120] + "…";
    }
}
