using AntiDistill.Simulation;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace AntiDistill.Tests.Scenarios;

/// <summary>The simulated model's answers depend on what was asked, never on who asked it.</summary>
public class ServedModelTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Property]
    public bool Serve_SameRequestFromACampaignOrAPerson_SameAnswer(NonEmptyString prompt, PositiveInt seconds, bool reasoning, byte budget)
    {
        var request = new SimulatedRequest
        {
            Account = "acct",
            Timestamp = Start.AddSeconds(seconds.Get),
            Prompt = prompt.Get,
            Source = "arena_hard",
            Population = "organic_casual",
            IsCampaign = false,
            Reasoning = reasoning,
            MaxOutputTokens = budget * 64,
        };
        var asCampaign = request with { Population = "campaign_hydra", IsCampaign = true };
        var served = ServedModel.Serve(request);
        return served == ServedModel.Serve(asCampaign)
            && served.OutputTokens >= served.ReasoningTokens
            && (request.MaxOutputTokens == 0 || served.OutputTokens <= request.MaxOutputTokens)
            && (reasoning || served.ReasoningTokens == 0);
    }

    [Fact]
    public void Serve_AskingForExplanations_LongerAnswersOnAverage()
    {
        static double Mean(string suffix) => Enumerable.Range(0, 400).Average(i => ServedModel.Serve(new SimulatedRequest
        {
            Account = "acct-" + i,
            Timestamp = Start.AddMinutes(i),
            Prompt = "What is the boiling point of water at altitude?" + suffix,
            Source = "arena_hard",
            Population = "organic_casual",
            IsCampaign = false,
        }).OutputTokens);

        Assert.True(Mean(" Explain in detail, step by step.") > 2 * Mean(""));
    }
}
