using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AntiDistill.AspNetCore.Tests.DependencyInjection;

public class AntiDistillationBuilderExtensionsTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings, Action<IAntiDistillationBuilder>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        var builder = services.AddAntiDistillation().AddAspNetCore();
        configure?.Invoke(builder);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public static TheoryData<string, string> Invalid => new()
    {
        { "AntiDistillation:Http:Policies:p:Bands:0:MinRisk", "1.5" },
        { "AntiDistillation:Http:Policies:p:DegradedMaxOutputTokens", "0" },
        { "AntiDistillation:Http:Policies:p:RetryAfter", "00:00:00" },
        { "AntiDistillation:Http:Policies:p:VerificationUrl", "/relative" },
        { "AntiDistillation:Http:DefaultPolicy", "missing" },
        { "AntiDistillation:Http:MaxBodyBytes", "10" },
        { "AntiDistillation:Http:LinkageInterval", "00:00:00" },
        { "AntiDistillation:RateLimiting:Account:Capacity", "0" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void StartupValidation_InvalidSetting_Fails(string key, string value)
    {
        using var provider = Build(new() { [key] = value, ["AntiDistillation:Http:Policies:p:Shadow"] = "true" });

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
    }

    [Fact]
    public void StartupValidation_Defaults_Pass()
    {
        using var provider = Build([]);

        provider.GetRequiredService<IStartupValidator>().Validate();
        var policy = provider.GetRequiredService<IAntiDistillationPolicyProvider>().GetDefaultPolicy();
        Assert.True(policy.Shadow);
        Assert.Empty(policy.Bands);
    }

    [Fact]
    public void PolicyProvider_ConfiguredAndCodePolicies_FoundByAnyCase()
    {
        using var provider = Build(new() { ["AntiDistillation:Http:Policies:FromConfig:Shadow"] = "false" },
            builder => builder.AddPolicy("FromCode", p => p.Bands.Add(new RiskBand { MinRisk = 0.8, Action = AntiDistillationAction.Block })));
        var policies = provider.GetRequiredService<IAntiDistillationPolicyProvider>();

        Assert.True(policies.TryGetPolicy("fromconfig", out var fromConfig));
        Assert.False(fromConfig.Shadow);
        Assert.True(policies.TryGetPolicy("FROMCODE", out var fromCode));
        Assert.Equal(AntiDistillationAction.Block, fromCode.ActionFor(0.85));
        Assert.Equal(AntiDistillationAction.Allow, fromCode.ActionFor(0.5));
        Assert.False(policies.TryGetPolicy("nope", out _));
    }

    [Fact]
    public void AddAspNetCore_CalledTwice_OneMiddlewareServiceSetAndOneHostedService()
    {
        var services = new ServiceCollection();
        services.AddAntiDistillation().AddAspNetCore().AddAspNetCore();

        Assert.Single(services, d => d.ImplementationType == typeof(LinkageService));
        Assert.Equal(3, services.Count(d => d.ServiceType == typeof(AntiDistill.Requests.IRequestFormatReader)));
    }

    [Fact]
    public void UseAntiDistillation_WithoutServices_ThrowsHelpfulError()
    {
        var app = WebApplication.CreateSlimBuilder().Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.UseAntiDistillation());
        Assert.Contains("AddAspNetCore", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0, AntiDistillationAction.Allow)]
    [InlineData(0.3, AntiDistillationAction.Annotate)]
    [InlineData(0.69, AntiDistillationAction.Throttle)]
    [InlineData(0.7, AntiDistillationAction.Degrade)]
    [InlineData(1.0, AntiDistillationAction.Block)]
    public void ActionFor_BandsInAnyOrder_HighestReachedBandWins(double risk, AntiDistillationAction expected)
    {
        var policy = new AntiDistillationPolicy
        {
            Bands =
            [
                new RiskBand { MinRisk = 0.95, Action = AntiDistillationAction.Block },
                new RiskBand { MinRisk = 0.3, Action = AntiDistillationAction.Annotate },
                new RiskBand { MinRisk = 0.7, Action = AntiDistillationAction.Degrade },
                new RiskBand { MinRisk = 0.5, Action = AntiDistillationAction.Throttle },
            ],
        };

        Assert.Equal(expected, policy.ActionFor(risk));
    }
}
