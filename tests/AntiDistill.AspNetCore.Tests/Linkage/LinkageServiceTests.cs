using Microsoft.Extensions.DependencyInjection;

namespace AntiDistill.AspNetCore.Tests.Linkage;

public class LinkageServiceTests
{
    [Fact]
    public async Task Timer_FakeClockPastIdleTimeout_IdleAccountsEvicted()
    {
        await using var host = await TestHost.StartAsync(new Dictionary<string, string?>
        {
            ["AntiDistillation:Accounts:IdleTimeout"] = "00:10:00",
            ["AntiDistillation:Http:EvictionInterval"] = "00:01:00",
        });
        var engine = host.Services.GetRequiredService<DistillationEngine>();
        for (int i = 0; i < 5; i++)
        {
            (await host.PostAsync(Bodies.ChatPath, Bodies.Chat(), apiKey: $"sk-idle-{i}")).Dispose();
        }

        Assert.Equal(5, engine.TrackedAccounts);

        // The service's timer runs on the fake clock: advance in ticks so it wakes, then give its loop a bounded time to run.
        for (int step = 0; step < 300 && engine.TrackedAccounts > 0; step++)
        {
            host.Time.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(10);
        }

        Assert.Equal(0, engine.TrackedAccounts);
    }

    [Fact]
    public void RunOnce_PendingRequests_AllLinked()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TestHost.Start);
        var engine = new DistillationEngine(new AntiDistillationOptions(), time);
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var options = new HttpOptionsSnapshot(
            new StaticMonitor(new AntiDistillationHttpOptions()), Microsoft.Extensions.Logging.Abstractions.NullLogger<HttpOptionsSnapshot>.Instance);
        var service = new LinkageService(engine, options, new AntiDistillationMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
            time, new LinkageStatus(time), Microsoft.Extensions.Logging.Abstractions.NullLogger<LinkageService>.Instance);
        engine.Observe(new Observation { Account = new AccountId(7), Prompt = "hello there"u8, TurnCount = 1 });
        long last = time.GetTimestamp();

        service.RunOnce(ref last);

        Assert.Equal(0, engine.ProcessLinkage());
    }

    [Fact]
    public void RunOnce_BacklogLargerThanOneTick_LinksSixtyFourSlicesAndLeavesTheRest()
    {
        // A tick links at most 64 slices of 1,024, so eviction still runs when requests outpace linkage.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TestHost.Start);
        var engine = new DistillationEngine(new AntiDistillationOptions { Linkage = { QueueCapacity = 70_000 } }, time);
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var options = new HttpOptionsSnapshot(
            new StaticMonitor(new AntiDistillationHttpOptions()), Microsoft.Extensions.Logging.Abstractions.NullLogger<HttpOptionsSnapshot>.Instance);
        var service = new LinkageService(engine, options, new AntiDistillationMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
            time, new LinkageStatus(time), Microsoft.Extensions.Logging.Abstractions.NullLogger<LinkageService>.Instance);
        for (int i = 0; i < 66_000; i++)
        {
            engine.Observe(new Observation { Account = new AccountId((ulong)(i % 50) + 1), Prompt = "hello there"u8, TurnCount = 1 });
        }

        long last = time.GetTimestamp();
        service.RunOnce(ref last);

        Assert.Equal(66_000 - (64 * 1024), engine.ProcessLinkage());
    }

    private sealed class StaticMonitor(AntiDistillationHttpOptions value) : Microsoft.Extensions.Options.IOptionsMonitor<AntiDistillationHttpOptions>
    {
        public AntiDistillationHttpOptions CurrentValue => value;

        public AntiDistillationHttpOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<AntiDistillationHttpOptions, string?> listener) => null;
    }
}
