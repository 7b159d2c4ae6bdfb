using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AntiDistill.Redis.Sync;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace AntiDistill.Benchmarks;

/// <summary>
/// The request path with state replication on (what <c>AddRedisState</c> turns on) against off: the replica's own
/// counters and the change flag must cost little and allocate nothing. No Redis involved: the request path never calls it.
/// </summary>
[MemoryDiagnoser]
public class RedisRequestPathBenchmarks
{
    private DistillationEngine _engine = null!;
    private byte[] _prompt = [];
    private AccountId _account;
    private int _second;

    [Params(false, true)]
    public bool Replicated { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _engine = new DistillationEngine(new AntiDistillationOptions
        {
            IdentityKey = Convert.ToBase64String(new byte[32]),
            Replication = { Enabled = Replicated },
        });
        _account = _engine.Identities.Account("bench");
        _prompt = SamplePrompts.OfSize(1000);
        for (int i = 0; i < 1000; i++)
        {
            Observe();
        }
    }

    [Benchmark]
    public float Observe() => _engine.Observe(new Observation
    {
        Account = _account,
        Timestamp = DateTimeOffset.UnixEpoch.AddSeconds(++_second),
        Prompt = _prompt,
        TurnCount = 1,
        MaxOutputTokens = 32_000,
        ReasoningRequested = true,
        Client = new ClientAttributes { Payment = 1, IpPrefix = 2 },
    }).Risk;
}

/// <summary>
/// Sync throughput against a real local redis-server (started here on a free loopback port): node A pushes
/// <see cref="Accounts"/> changed accounts, node B pulls and imports them; per operation = one account synced both ways.
/// </summary>
[MemoryDiagnoser]
public class RedisSyncBenchmarks
{
    private Process _server = null!;
    private ServiceProvider _a = null!, _b = null!;
    private RedisStateSynchronizer _syncA = null!, _syncB = null!;
    private DistillationEngine _engineA = null!;
    private AccountId[] _accounts = [];
    private byte[] _prompt = [];
    private int _second;

    [Params(1000)]
    public int Accounts { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var info = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string arg in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            info.ArgumentList.Add(arg);
        }

        _server = Process.Start(info)!;
        Thread.Sleep(500);
        string prefix = "bench" + Guid.NewGuid().ToString("N")[..8];
        (_a, _syncA) = Node($"127.0.0.1:{port}", prefix);
        (_b, _syncB) = Node($"127.0.0.1:{port}", prefix);
        _engineA = _a.GetRequiredService<DistillationEngine>();
        _accounts = [.. Enumerable.Range(0, Accounts).Select(i => _engineA.Identities.Account($"acct-{i}"))];
        _prompt = SamplePrompts.OfSize(1000);
        SyncBoth().GetAwaiter().GetResult();
    }

    private static (ServiceProvider, RedisStateSynchronizer) Node(string connection, string prefix)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAntiDistillation(o => o.IdentityKey = Convert.ToBase64String(new byte[32])).AddRedisState(connection, o => o.KeyPrefix = prefix);
        var provider = services.BuildServiceProvider();
        return (provider, provider.GetRequiredService<RedisStateSynchronizer>());
    }

    [IterationSetup]
    public void Touch()
    {
        _second++;
        foreach (var account in _accounts)
        {
            _engineA.Observe(new Observation { Account = account, Timestamp = DateTimeOffset.UnixEpoch.AddSeconds(_second), Prompt = _prompt, TurnCount = 1 });
        }
    }

    [Benchmark(OperationsPerInvoke = 1000)]
    public Task SyncAccounts() => SyncBoth();

    private async Task SyncBoth()
    {
        var pushed = await _syncA.SyncOnceAsync(CancellationToken.None);
        var pulled = await _syncB.SyncOnceAsync(CancellationToken.None);
        if (!pushed.Succeeded || !pulled.Succeeded)
        {
            throw new InvalidOperationException("sync failed", pushed.Failure ?? pulled.Failure);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _a.Dispose();
        _b.Dispose();
        _server.Kill();
        _server.WaitForExit();
        _server.Dispose();
    }
}
