using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AntiDistill.Tests.DependencyInjection;

public class AntiDistillationServiceCollectionExtensionsTests
{
    private static readonly string ShortKey = Convert.ToBase64String(new byte[15]);

    public enum Overload
    {
        Plain,
        Section,
        Configure,
    }

    private static IAntiDistillationBuilder Add(IServiceCollection services, Overload overload) => overload switch
    {
        Overload.Plain => services.AddAntiDistillation(),
        Overload.Section => services.AddAntiDistillation(Configuration([]).GetSection(AntiDistillationOptions.SectionName)),
        Overload.Configure => services.AddAntiDistillation(_ => { }),
        _ => throw new ArgumentOutOfRangeException(nameof(overload)),
    };

    private static IConfigurationRoot Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static ServiceProvider Build(IServiceCollection services) =>
        services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

    [Theory]
    [InlineData(Overload.Plain)]
    [InlineData(Overload.Section)]
    [InlineData(Overload.Configure)]
    public void AddAntiDistillation_EachOverload_RegistersASingletonEngineAndReturnsTheSameCollection(Overload overload)
    {
        var services = new ServiceCollection();
        var builder = Add(services, overload);

        Assert.Same(services, builder.Services);
        using var provider = Build(services);
        provider.GetRequiredService<IStartupValidator>().Validate();
        var engine = provider.GetRequiredService<DistillationEngine>();
        Assert.Same(engine, provider.GetRequiredService<DistillationEngine>());
        using (var scope = provider.CreateScope())
        {
            Assert.Same(engine, scope.ServiceProvider.GetRequiredService<DistillationEngine>());
        }

        var descriptor = Assert.Single(services, d => d.ServiceType == typeof(DistillationEngine));
        Assert.Equal(ServiceLifetime.Singleton, descriptor.Lifetime);
    }

    [Fact]
    public void AddAntiDistillation_CalledTwice_RegistersOneEngine()
    {
        var services = new ServiceCollection();
        services.AddAntiDistillation();
        services.AddAntiDistillation(o => o.Risk.CampaignThreshold = 0.95);

        Assert.Single(services, d => d.ServiceType == typeof(DistillationEngine));
        using var provider = Build(services);
        Assert.Equal(0.95, provider.GetRequiredService<IOptions<AntiDistillationOptions>>().Value.Risk.CampaignThreshold);
    }

    [Fact]
    public void AddAntiDistillation_NullArguments_Throw()
    {
        var services = new ServiceCollection();
        Assert.Throws<ArgumentNullException>(() => ((IServiceCollection)null!).AddAntiDistillation());
        Assert.Throws<ArgumentNullException>(() => services.AddAntiDistillation((IConfigurationSection)null!));
        Assert.Throws<ArgumentNullException>(() => services.AddAntiDistillation((Action<AntiDistillationOptions>)null!));
    }

    [Fact]
    public void AddAntiDistillation_ConfigurationSection_BindsNestedOptions()
    {
        string key = Convert.ToBase64String([.. Enumerable.Range(0, 32).Select(i => (byte)(i * 7))]);
        var configuration = Configuration(new()
        {
            ["AntiDistillation:Risk:CampaignThreshold"] = "0.95",
            ["AntiDistillation:Risk:SuspiciousThreshold"] = "0.6",
            ["AntiDistillation:Risk:Bias"] = "-3.5",
            ["AntiDistillation:Risk:Weights:Volume"] = "0.75",
            ["AntiDistillation:Risk:EvidenceRequests"] = "9",
            ["AntiDistillation:Accounts:MaxAccounts"] = "5000",
            ["AntiDistillation:Accounts:IdleTimeout"] = "02:00:00",
            ["AntiDistillation:IdentityKey"] = key,
        });
        var services = new ServiceCollection();
        services.AddAntiDistillation(configuration.GetSection(AntiDistillationOptions.SectionName));
        using var provider = Build(services);
        provider.GetRequiredService<IStartupValidator>().Validate();

        var options = provider.GetRequiredService<IOptions<AntiDistillationOptions>>().Value;
        Assert.Equal(0.95, options.Risk.CampaignThreshold);
        Assert.Equal(0.6, options.Risk.SuspiciousThreshold);
        Assert.Equal(-3.5, options.Risk.Bias);
        Assert.Equal(0.75, options.Risk.Weights.Volume);
        Assert.Equal(new RiskWeights().TraceHarvest, options.Risk.Weights.TraceHarvest);
        Assert.Equal(9, options.Risk.EvidenceRequests);
        Assert.Equal(5000, options.Accounts.MaxAccounts);
        Assert.Equal(TimeSpan.FromHours(2), options.Accounts.IdleTimeout);
        Assert.Equal(key, options.IdentityKey);

        // The engine is built from the bound options: its identities use the configured key.
        var engine = provider.GetRequiredService<DistillationEngine>();
        Assert.Equal(new IdentityHasher(Convert.FromBase64String(key)).Hash("account-1"), engine.Identities.Hash("account-1"));
    }

    [Fact]
    public void AddAntiDistillation_RegisteredTimeProvider_IsUsedByTheEngine()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddAntiDistillation(o => o.Accounts.IdleTimeout = TimeSpan.FromMinutes(1));
        using var provider = Build(services);
        var engine = provider.GetRequiredService<DistillationEngine>();

        engine.Observe(engine.Identities.Account("a"));
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, engine.EvictIdle());
    }

    public static TheoryData<string, string> InvalidOptions => new()
    {
        { "suspicious above campaign", "SuspiciousThreshold" },
        { "campaign threshold 1.5", "CampaignThreshold" },
        { "idle timeout zero", "IdleTimeout" },
        { "identity key not base64", "IdentityKey" },
        { "identity key too short", "IdentityKey" },
        { "max accounts zero", "MaxAccounts" },
        { "weight out of range", "Volume" },
        { "hub cap below hub threshold", "HubCap" },
        { "link window zero", "Network.Window" },
        { "link weight out of range", "Weight" },
    };

    private static void Break(AntiDistillationOptions o, string which)
    {
        switch (which)
        {
            case "suspicious above campaign":
                o.Risk.SuspiciousThreshold = 0.95;
                o.Risk.CampaignThreshold = 0.9;
                break;
            case "campaign threshold 1.5":
                o.Risk.CampaignThreshold = 1.5;
                break;
            case "idle timeout zero":
                o.Accounts.IdleTimeout = TimeSpan.Zero;
                break;
            case "identity key not base64":
                o.IdentityKey = "not base64!";
                break;
            case "identity key too short":
                o.IdentityKey = ShortKey;
                break;
            case "max accounts zero":
                o.Accounts.MaxAccounts = 0;
                break;
            case "weight out of range":
                o.Risk.Weights.Volume = 100;
                break;
            case "hub cap below hub threshold":
                o.Linkage.HubThreshold = 50;
                o.Linkage.HubCap = 10;
                break;
            case "link window zero":
                o.Linkage.Network.Window = TimeSpan.Zero;
                break;
            case "link weight out of range":
                o.Linkage.Payment.Weight = 20;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(which), which, null);
        }
    }

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void AddAntiDistillation_InvalidOptions_FailValidationAtStartUp(string which, string member)
    {
        var services = new ServiceCollection();
        services.AddAntiDistillation(o => Break(o, which));
        using var provider = Build(services);

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.NotEmpty(ex.Failures);
        Assert.Contains(member, ex.Message, StringComparison.Ordinal);

        // Resolving the engine anyway fails too, rather than running with invalid options.
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<DistillationEngine>());
    }

    [Theory]
    [InlineData("AntiDistillation:Risk:SuspiciousThreshold", "0.95")]
    [InlineData("AntiDistillation:Risk:CampaignThreshold", "1.5")]
    [InlineData("AntiDistillation:Accounts:IdleTimeout", "00:00:00")]
    [InlineData("AntiDistillation:IdentityKey", "not base64!")]
    [InlineData("AntiDistillation:IdentityKey", "AAAAAAAAAAAAAAAAAAAA")]
    public void AddAntiDistillation_InvalidConfiguration_FailsValidationAtStartUp(string path, string value)
    {
        var services = new ServiceCollection();
        services.AddAntiDistillation(Configuration(new() { [path] = value }).GetSection(AntiDistillationOptions.SectionName));
        using var provider = Build(services);

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
    }

    [Fact]
    public void AddAntiDistillation_ValidIdentityKey_PassesValidation()
    {
        var services = new ServiceCollection();
        services.AddAntiDistillation(o =>
        {
            o.IdentityKey = Convert.ToBase64String(new byte[16]);
            o.Risk.SuspiciousThreshold = 0.7;
            o.Risk.CampaignThreshold = 0.7;
        });
        using var provider = Build(services);

        provider.GetRequiredService<IStartupValidator>().Validate();
        Assert.NotNull(provider.GetRequiredService<DistillationEngine>());
    }
}
