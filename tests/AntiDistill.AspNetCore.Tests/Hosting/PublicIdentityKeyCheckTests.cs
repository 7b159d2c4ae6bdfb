using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace AntiDistill.AspNetCore.Tests.Hosting;

/// <summary>A key anyone can read from this repository is called out at start-up outside Development (issue 16, item 3).</summary>
public class PublicIdentityKeyCheckTests
{
    [Theory]
    [InlineData("c2FtcGxlLWtleS1ub3QtYS1zZWNyZXQtcmVwbGFjZS1tZQ==", "Production", true)] // the README's and the sample's
    [InlineData("c2FtcGxlLWtleS1ub3QtYS1zZWNyZXQtcmVwbGFjZS1tZQ==", "Development", false)]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "Staging", true)] // 32 zero bytes
    [InlineData("q3Jx9v1m0ZgkUe6c8bT2nW4yHs7pLd5aRf0oKi3jXcE=", "Production", false)]
    public async Task StartAsync_Key_WarnsOnlyForPublishedKeysOutsideDevelopment(string key, string environment, bool warns)
    {
        var logs = new FakeLogCollector();
        var check = new PublicIdentityKeyCheck(Options.Create(new AntiDistillationOptions { IdentityKey = key }),
            new FakeLogger<PublicIdentityKeyCheck>(logs), new Environment(environment));

        await check.StartAsync(CancellationToken.None);

        Assert.Equal(warns ? 1 : 0, logs.GetSnapshot().Count(r => r.Id.Name == "PublicIdentityKey" && r.Level == LogLevel.Warning));
    }

    [Fact]
    public async Task StartAsync_TestHostWithPublishedTestKey_WarnsOnce()
    {
        var logs = new FakeLogCollector();
        await using var host = await TestHost.StartAsync(configure: Middleware.DecisionLogTests.Capture(logs));

        Assert.Single(logs.GetSnapshot(), r => r.Id.Name == "PublicIdentityKey");
    }

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "test";

        public string ContentRootPath { get; set; } = "/";

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
