using System.Globalization;
using AntiDistill.RateLimiting;
using AntiDistill.Redis.Internal;
using AntiDistill.Redis.Sync;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AntiDistill.Redis.Tests.Infrastructure;

/// <summary>One application node as <c>AddRedisState</c> wires it (engine, sync, shared buckets), driven by hand: tests call <see cref="SyncAsync"/>.</summary>
internal sealed class TestNode : IAsyncDisposable
{
    public static readonly string IdentityKey = Convert.ToBase64String([.. Enumerable.Range(1, 32).Select(i => (byte)i)]);

    private readonly ServiceProvider _services;

    public TestNode(string connectionString, string prefix, Action<RedisStateOptions>? configure = null, Action<AntiDistillationOptions>? engine = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMetrics();
        services.AddAntiDistillation(o =>
            {
                o.IdentityKey = IdentityKey;
                engine?.Invoke(o);
            })
            .AddRedisState(connectionString, o =>
            {
                o.KeyPrefix = prefix;
                o.BreakerBreakDuration = TimeSpan.FromMilliseconds(500);
                o.OperationTimeout = TimeSpan.FromSeconds(1);
                configure?.Invoke(o);
            });
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        Options = _services.GetRequiredService<IOptions<RedisStateOptions>>().Value;
    }

    public RedisStateOptions Options { get; }

    public DistillationEngine Engine => _services.GetRequiredService<DistillationEngine>();

    public ITokenBucketStore Buckets => _services.GetRequiredService<ITokenBucketStore>();

    internal RedisStateSynchronizer Synchronizer => _services.GetRequiredService<RedisStateSynchronizer>();

    public IServiceProvider Services => _services;

    public AccountId Account(int i) => Engine.Identities.Account(string.Create(CultureInfo.InvariantCulture, $"acct-{i}"));

    /// <summary>Waits for the first connection (the library connects in the background so that start-up never blocks).</summary>
    public async Task<TestNode> ConnectedAsync()
    {
        await _services.GetRequiredService<RedisConnection>().GetDatabaseAsync();
        return this;
    }

    internal Task<SyncOutcome> SyncAsync() => Synchronizer.SyncOnceAsync(CancellationToken.None);

    /// <summary>A fresh key prefix, so tests sharing one server never see each other's keys.</summary>
    public static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..12];

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
    }
}
