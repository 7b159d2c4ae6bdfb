using AntiDistill.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AntiDistill.Testing.Tests.Fakes;

public class FakeTokenBucketStoreTests
{
    private static readonly TokenBucketKey Key = new(TokenBucketScope.Account, 42);
    private static readonly TokenBucketLimits Limits = new(Capacity: 100, TokensPerSecond: 10, MaxDebt: 0);

    [Fact]
    public async Task RefuseAll_ThrottleBand_CampaignAndOrganicGet429AndTakesRecorded()
    {
        FakeTokenBucketStore? store = null;
        await using var app = await App.StartAsync(App.Policy(shadow: false, (0, "Throttle")), b =>
        {
            b.Services.AddSingleton<ITokenBucketStore>(sp => store = new FakeTokenBucketStore(sp.GetRequiredService<TimeProvider>()).RefuseAll(TimeSpan.FromSeconds(7)));
        }, testServer: true);

        var result = await SimulatedTraffic.Create().Organic(2).MaxRequests(5).SendAsync(app.Client, app.Time, app.Services);

        Assert.Equal(5, result.Organic.CountOf(429));
        Assert.NotNull(store);
        Assert.True(store.TakeCounts.Takes >= 5, $"{store.TakeCounts.Takes} takes");
        Assert.Equal(0, store.TakeCounts.Granted);
        Assert.Equal(0, result.Organic.FirstRejectionIndex);
    }

    [Fact]
    public async Task Recover_AfterRefusing_ThrottledRequestsServedAndSettled()
    {
        FakeTokenBucketStore? store = null;
        await using var app = await App.StartAsync(App.Policy(shadow: false, (0, "Throttle")), b =>
        {
            b.Services.AddSingleton<ITokenBucketStore>(sp => store = new FakeTokenBucketStore(sp.GetRequiredService<TimeProvider>()));
        }, testServer: true);

        var result = await SimulatedTraffic.Create().Organic(2).MaxRequests(4).SendAsync(app.Client, app.Time);

        Assert.Equal(4, result.Organic.CountOf(200));
        Assert.True(store!.TakeCounts.Granted >= 4, $"{store.TakeCounts.Granted} granted");
        Assert.Contains(store.Calls, c => c.Kind == TokenBucketCallKind.Settle);
    }

    [Fact]
    public void Fail_StoreDown_CallsThrowAndAreRecordedUntilRecover()
    {
        var store = new FakeTokenBucketStore(new FakeTimeProvider()).Fail(new TimeoutException("redis down"));

        Assert.Throws<TimeoutException>(() => store.TryTake(Key, Limits, 10));
        Assert.Throws<TimeoutException>(() => store.Settle(Key, Limits, 5));
        store.Recover();
        var result = store.TryTake(Key, Limits, 10);

        Assert.True(result.Acquired);
        Assert.Equal([true, true, false], store.Calls.Select(c => c.Failed));
        Assert.Equal(90, store.GetAvailable(Key, Limits), precision: 6);
    }

    [Fact]
    public async Task TryTakeAsync_FakeClock_BucketRefillsAsTheClockMoves()
    {
        var time = new FakeTimeProvider();
        var store = new FakeTokenBucketStore(time);

        Assert.True((await store.TryTakeAsync(Key, Limits, 100)).Acquired);
        Assert.False((await store.TryTakeAsync(Key, Limits, 50)).Acquired);
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.True((await store.TryTakeAsync(Key, Limits, 50)).Acquired);

        Assert.Equal([true, false, true], store.Calls.Select(c => c.Acquired == true));
    }
}
