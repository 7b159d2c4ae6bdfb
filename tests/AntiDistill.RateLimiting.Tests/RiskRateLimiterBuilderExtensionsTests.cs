using AntiDistill.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AntiDistill.RateLimiting.Tests;

public class RiskRateLimiterBuilderExtensionsTests
{
    [Fact]
    public void AddRiskRateLimiter_Defaults_InMemoryStoreAndBytesEstimator()
    {
        using var provider = new ServiceCollection().AddAntiDistillation().AddRiskRateLimiter().Services.BuildServiceProvider();

        var store = Assert.IsType<InMemoryTokenBucketStore>(provider.GetRequiredService<ITokenBucketStore>());
        Assert.Equal(1_000_000, store.MaxBuckets);
        Assert.Same(Utf8LengthTokenEstimator.Instance, provider.GetRequiredService<ITokenEstimator>());
        Assert.Same(provider.GetRequiredService<RiskRateLimiter>(), provider.GetRequiredService<RiskRateLimiter>());
    }

    [Fact]
    public void AddRiskRateLimiter_StoreRegisteredEarlier_Kept()
    {
        var custom = new InMemoryTokenBucketStore(new InMemoryTokenBucketStoreOptions { MaxBuckets = 7 });
        var services = new ServiceCollection();
        services.AddSingleton<ITokenBucketStore>(custom);

        using var provider = services.AddAntiDistillation().AddRiskRateLimiter().Services.BuildServiceProvider();

        Assert.Same(custom, provider.GetRequiredService<ITokenBucketStore>());
    }

    [Fact]
    public void AddRiskRateLimiter_InvalidOptions_FailValidation()
    {
        using var provider = new ServiceCollection().AddAntiDistillation()
            .AddRiskRateLimiter(options =>
            {
                options.Account.Capacity = 0;
                options.Tightening.StartRisk = 1.5;
                options.InMemoryStore.MaxBuckets = 0;
            })
            .Services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RiskRateLimiterOptions>>().Value);

        Assert.Contains(error.Failures, f => f.Contains("Capacity", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("StartRisk", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("MaxBuckets", StringComparison.Ordinal));
    }

    [Fact]
    public void AddRiskRateLimiter_ConfigurationReloaded_LimiterUsesNewBudget()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RateLimiting:Account:Capacity"] = "1000",
            ["RateLimiting:Account:TokensPerSecond"] = "100",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider());
        using var provider = services.AddAntiDistillation().AddRiskRateLimiter(configuration.GetSection("RateLimiting")).Services.BuildServiceProvider();
        var limiter = provider.GetRequiredService<RiskRateLimiter>();
        Assert.True(limiter.AttemptAcquire(new RiskPartitionKey(new AccountId(1), ClusterId.None, 0, 0, 1_000)).IsAcquired);
        var next = new RiskPartitionKey(new AccountId(1), ClusterId.None, 0, 0, 100);
        Assert.Equal(TimeSpan.FromSeconds(1), RetryAfter(limiter, next));

        configuration["RateLimiting:Account:TokensPerSecond"] = "1000";
        configuration.Reload();

        Assert.Equal(TimeSpan.FromSeconds(0.1), RetryAfter(limiter, next));
    }

    private static TimeSpan RetryAfter(RiskRateLimiter limiter, RiskPartitionKey key)
    {
        using var lease = limiter.AttemptAcquire(key);
        Assert.False(lease.IsAcquired);
        Assert.True(lease.TryGetMetadata(System.Threading.RateLimiting.MetadataName.RetryAfter, out var retryAfter));
        return retryAfter;
    }
}
