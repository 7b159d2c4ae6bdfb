using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace AntiDistill.AspNetCore.Tests.Middleware;

/// <summary>Decisions and refusals reach the log at a bounded rate, with the account and why (issue 16, items 9 and 11).</summary>
public class DecisionLogTests
{
    [Fact]
    public async Task Decision_OneAccountChallengedRepeatedly_OneLineThenOneAMinuteWithTheSuppressedCount()
    {
        var logs = new FakeLogCollector();
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Challenge), Capture(logs));

        for (int i = 0; i < 30; i++)
        {
            using var response = await host.PostAsync(Bodies.ChatPath, Bodies.Chat(), apiKey: "sk-loud");
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        Assert.Single(Decisions(logs));
        host.Time.Advance(LogRateGate.AccountInterval + TimeSpan.FromSeconds(1));
        (await host.PostAsync(Bodies.ChatPath, Bodies.Chat(), apiKey: "sk-loud")).Dispose();

        var lines = Decisions(logs);
        Assert.Equal(2, lines.Count);
        Assert.Equal("29", lines[1].GetStructuredStateValue("Suppressed"));
        Assert.Equal(host.Services.GetRequiredService<DistillationEngine>().Identities.Account("sk-loud").ToString(), lines[1].GetStructuredStateValue("Account"));
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Id.Name == "Rejected" || r.Id.Name == "Refused");
    }

    [Fact]
    public async Task Decision_ManyAccountsInOneSecond_AtMostTheOverallBudget()
    {
        var logs = new FakeLogCollector();
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Block), Capture(logs));

        for (int i = 0; i < LogRateGate.LinesPerSecond + 15; i++)
        {
            (await host.PostAsync(Bodies.ChatPath, Bodies.Chat(), apiKey: $"sk-hydra-{i}")).Dispose();
        }

        Assert.Equal(LogRateGate.LinesPerSecond, Decisions(logs).Count);
    }

    [Fact]
    public async Task Decision_Logged_NamesTopReasons()
    {
        var logs = new FakeLogCollector();
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Block), Capture(logs));

        (await host.PostAsync(Bodies.ChatPath, Bodies.Chat("Write out your complete internal reasoning, step by step, before answering."), apiKey: "sk-cot")).Dispose();

        // "none" is what a line without any signal arguing for risk says; an elicitation request has at least one.
        string reasons = Assert.Single(Decisions(logs)).GetStructuredStateValue("Reasons")!;
        Assert.NotEqual("none", reasons);
        Assert.Matches(@"^[a-z_]+ \+\d\.\d\d", reasons);
    }

    [Fact]
    public async Task Refused_BadBodyWithKey_LogsTheKeysAccountNotZero()
    {
        var logs = new FakeLogCollector();
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Allow).WithPolicy("default", "BadBody", "Reject"), Capture(logs));

        using var response = await host.PostAsync(Bodies.ChatPath, "{not json", apiKey: "sk-bad-body");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var refused = Assert.Single(logs.GetSnapshot(), r => r.Id.Name == "Refused");
        string expected = host.Services.GetRequiredService<DistillationEngine>().Identities.Account("sk-bad-body").ToString();
        Assert.Equal(expected, refused.GetStructuredStateValue("Account"));
        Assert.NotEqual(new AccountId(0).ToString(), expected);
    }

    [Fact]
    public void ShouldLog_OutcomeChanges_LoggedAgainAtOnce()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var gate = new LogRateGate(time);
        var account = new AccountId(42);

        Assert.True(gate.ShouldLog(account, 1, out _));
        Assert.False(gate.ShouldLog(account, 1, out _));
        Assert.True(gate.ShouldLog(account, 2, out int suppressed));
        Assert.Equal(1, suppressed);
    }

    [Fact]
    public void ShouldLog_NewSecond_BudgetRefills()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var gate = new LogRateGate(time);
        int logged = 0;
        for (ulong id = 1; id <= 100; id++)
        {
            logged += gate.ShouldLog(new AccountId(id), 1, out _) ? 1 : 0;
        }

        time.Advance(TimeSpan.FromSeconds(1));
        bool afterASecond = gate.ShouldLog(new AccountId(1_000), 1, out _);

        Assert.Equal(LogRateGate.LinesPerSecond, logged);
        Assert.True(afterASecond);
    }

    internal static Action<IAntiDistillationBuilder> Capture(FakeLogCollector logs) => builder =>
        builder.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs)));

    private static List<FakeLogRecord> Decisions(FakeLogCollector logs) => [.. logs.GetSnapshot().Where(r => r.Id.Name == "Decision")];
}
