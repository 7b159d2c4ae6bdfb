using AntiDistill.Redis.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AntiDistill.Redis.Tests.Options;

/// <summary>Bad Redis options stop the host at start-up with a message naming the option, never at the first request.</summary>
public class RedisStateOptionsValidationTests
{
    public static TheoryData<string, string?, string> BadSettings => new()
    {
        // option, value, what the message must name
        { "SyncInterval", "00:00:00", "SyncInterval" },
        { "SyncInterval", "-00:00:01", "SyncInterval" },
        { "SyncInterval", "00:05:00", "SyncInterval" },
        { "StateTimeToLive", "00:00:30", "StateTimeToLive" },
        { "StateTimeToLive", "-1.00:00:00", "StateTimeToLive" },
        { "OperationTimeout", "00:00:00", "OperationTimeout" },
        { "SyncTimeout", "-00:00:01", "SyncTimeout" },
        { "HealthyLag", "00:00:00", "HealthyLag" },
        { "BreakerBreakDuration", "00:00:00.100", "BreakerBreakDuration" },
        { "KeyPrefix", "", "KeyPrefix" },
        { "KeyPrefix", "{tag}", "KeyPrefix" },
        { "KeyPrefix", "has space", "KeyPrefix" },
        { "KeyPrefix", new string('p', 65), "KeyPrefix" },
        { "BatchSize", "0", "BatchSize" },
        { "ChangeFeedLength", "10", "ChangeFeedLength" },
        { "BreakerFailureRatio", "0", "BreakerFailureRatio" },
        { "BreakerConsecutiveTimeouts", "0", "BreakerConsecutiveTimeouts" },
        { "BreakerConsecutiveTimeouts", "1001", "BreakerConsecutiveTimeouts" },
        { "ConnectionString", "127.0.0.1:6379,notAnOption=1", "ConnectionString" },
        { "ConnectionString", "   ", "ConnectionString" },
        { "ConnectionString", ",", "ConnectionString" },
    };

    private static IHost Build(IDictionary<string, string?> redis, bool multiplexer = false)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing", DisableDefaults = true });
        builder.Logging.ClearProviders();
        var settings = new Dictionary<string, string?> { ["AntiDistillation:IdentityKey"] = TestNode.IdentityKey };
        foreach (var (key, value) in redis)
        {
            settings[$"{RedisStateOptions.SectionName}:{key}"] = value;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        if (multiplexer)
        {
            // Never connects: start-up must not need Redis.
            builder.Services.AddSingleton<StackExchange.Redis.IConnectionMultiplexer>(_ =>
                StackExchange.Redis.ConnectionMultiplexer.Connect("127.0.0.1:1,abortConnect=false,connectTimeout=100"));
        }

        builder.Services.AddAntiDistillation(builder.Configuration.GetSection("AntiDistillation"))
            .AddRedisState(builder.Configuration.GetSection(RedisStateOptions.SectionName));
        return builder.Build();
    }

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task StartAsync_BadRedisOption_FailsNamingTheOption(string option, string? value, string named)
    {
        using var host = Build(new Dictionary<string, string?> { ["ConnectionString"] = "127.0.0.1:1", [option] = value });

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
        Assert.Equal(typeof(RedisStateOptions), failure.OptionsType);
    }

    [Fact]
    public async Task StartAsync_StateTimeToLiveUnderTenSyncIntervals_FailsNamingBoth()
    {
        using var host = Build(new Dictionary<string, string?> { ["ConnectionString"] = "127.0.0.1:1", ["SyncInterval"] = "00:00:30", ["StateTimeToLive"] = "00:02:00" });

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("StateTimeToLive", failure.Message, StringComparison.Ordinal);
        Assert.Contains("ten sync intervals", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_NoConnectionStringNorMultiplexer_FailsSayingWhatIsNeeded()
    {
        using var host = Build(new Dictionary<string, string?> { ["KeyPrefix"] = "app" });

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("ConnectionString", failure.Message, StringComparison.Ordinal);
        Assert.Contains("IConnectionMultiplexer", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_UnreachableRedisButValidOptions_StartsAndStops()
    {
        // Port 1 refuses connections: start-up neither waits for Redis nor fails without it (it fails open later).
        using var host = Build(new Dictionary<string, string?> { ["ConnectionString"] = "127.0.0.1:1", ["SyncInterval"] = "00:00:00.050" });

        await host.StartAsync();
        await host.StopAsync();
    }

    [Fact]
    public async Task StartAsync_MultiplexerFromDependencyInjection_NeedsNoConnectionString()
    {
        using var host = Build(new Dictionary<string, string?> { ["KeyPrefix"] = "app" }, multiplexer: true);

        await host.StartAsync();
        await host.StopAsync();
    }
}
