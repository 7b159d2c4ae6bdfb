using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace AntiDistill.AspNetCore.Tests.Resolvers;

public class CallerResolutionTests
{
    private const string Secret = "sk-live-SECRET-0123456789";

    [Fact]
    public async Task ApiKey_XApiKeyAndBearer_SameKeySameAccount()
    {
        await using var host = await TestHost.StartAsync();
        using var bearer = TestHost.Post(Bodies.ChatPath, Bodies.Chat(), apiKey: Secret);
        using var header = new HttpRequestMessage(HttpMethod.Post, Bodies.MessagesPath) { Content = new StringContent(Bodies.Messages()) };
        header.Headers.Add("x-api-key", Secret);

        (await host.Client.SendAsync(bearer)).Dispose();
        (await host.Client.SendAsync(header)).Dispose();

        var engine = host.Services.GetRequiredService<DistillationEngine>();
        Assert.True(engine.TryAssess(engine.Identities.Account(Secret), out var assessment));
        Assert.Equal(2, assessment.Requests);
        Assert.Equal(1, engine.TrackedAccounts);
    }

    [Fact]
    public async Task ApiKey_NeverAppearsInLogs()
    {
        var logs = new FakeLogCollector();
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Block), builder =>
            builder.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs))));

        using var response = await host.PostAsync(Bodies.ChatPath, Bodies.Chat(), apiKey: Secret);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var records = logs.GetSnapshot();
        Assert.Contains(records, r => r.Id.Name == "Decision");
        Assert.DoesNotContain(records, r => r.Message.Contains("SECRET", StringComparison.Ordinal)
            || r.StructuredState?.Any(kv => kv.Value?.Contains("SECRET", StringComparison.Ordinal) == true) == true);
    }

    [Fact]
    public async Task Claims_AuthenticatedUser_AccountFromSubNotKey()
    {
        await using var withAuth = await TestHost.StartAsync(configure: builder => builder.Services.AddSingleton<IStartupFilter>(new FakeAuthentication("user-42")));
        var authEngine = withAuth.Services.GetRequiredService<DistillationEngine>();

        (await withAuth.PostAsync(Bodies.ChatPath, Bodies.Chat(), apiKey: "sk-one")).Dispose();
        (await withAuth.PostAsync(Bodies.ChatPath, Bodies.Chat(), apiKey: "sk-two")).Dispose();

        Assert.True(authEngine.TryAssess(authEngine.Identities.Account("user-42"), out var assessment));
        Assert.Equal(2, assessment.Requests);
        Assert.False(authEngine.TryAssess(authEngine.Identities.Account("sk-one"), out _));
        Assert.Equal(1, authEngine.TrackedAccounts);
    }

    [Fact]
    public async Task ProfileProvider_CanonicalAccount_FoldsKeysAndIsCalledOncePerAccount()
    {
        var provider = new DictionaryProfiles(new()
        {
            ["sk-a1"] = new AccountProfile { AccountId = "acct-A", PaymentFingerprint = "card-1", Organization = "org-1", CreatedAt = TestHost.Start.AddDays(-3) },
            ["sk-a2"] = new AccountProfile { AccountId = "acct-A", PaymentFingerprint = "card-1" },
        });
        await using var host = await TestHost.StartAsync(configure: builder =>
        {
            builder.AddAccountProfiles(provider);
        });

        for (int i = 0; i < 3; i++)
        {
            (await host.PostAsync(Bodies.ChatPath, Bodies.Chat(), apiKey: "sk-a1")).Dispose();
            (await host.PostAsync(Bodies.ChatPath, Bodies.Chat(), apiKey: "sk-a2")).Dispose();
        }

        var engine = host.Services.GetRequiredService<DistillationEngine>();
        Assert.True(engine.TryAssess(engine.Identities.Account("acct-A"), out var assessment));
        Assert.Equal(6, assessment.Requests);
        Assert.Equal(1, engine.TrackedAccounts);
        Assert.Equal(1, provider.Calls["sk-a1"]);
        Assert.Equal(1, provider.Calls["sk-a2"]);
    }

    [Fact]
    public async Task ProfileProvider_ExpiredEntry_AskedAgain()
    {
        var provider = new DictionaryProfiles(new() { ["sk-a1"] = new AccountProfile { Organization = "org-1" } });
        await using var host = await TestHost.StartAsync(new Dictionary<string, string?> { ["AntiDistillation:Http:ProfileCacheDuration"] = "00:01:00" },
            builder =>
            {
                builder.AddAccountProfiles(provider);
            });

        (await host.PostAsync(Bodies.ChatPath, Bodies.Chat(), apiKey: "sk-a1")).Dispose();
        host.Time.Advance(TimeSpan.FromMinutes(2));
        (await host.PostAsync(Bodies.ChatPath, Bodies.Chat(), apiKey: "sk-a1")).Dispose();

        Assert.Equal(2, provider.Calls["sk-a1"]);
    }

    [Fact]
    public async Task ProfileProvider_Throws_RequestStillScoredAndServed()
    {
        var provider = new DictionaryProfiles([]) { Fail = true };
        await using var host = await TestHost.StartAsync(configure: builder =>
        {
            builder.AddAccountProfiles(provider);
        });

        using var response = await host.PostAsync("/echo/chat/completions", Bodies.Chat(), apiKey: "sk-down");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Ok", response.Headers.GetValues("X-Body-Status").Single());
    }

    [Fact]
    public async Task ProfileCache_ManyRotatedKeys_StaysWithinBound()
    {
        var provider = new DictionaryProfiles([]);
        await using var host = await TestHost.StartAsync(new Dictionary<string, string?> { ["AntiDistillation:Http:ProfileCacheSize"] = "8" },
            builder =>
            {
                builder.AddAccountProfiles(provider);
            });

        for (int i = 0; i < 40; i++)
        {
            (await host.PostAsync(Bodies.ChatPath, Bodies.Chat(), apiKey: $"sk-rotated-{i}")).Dispose();
        }

        Assert.InRange(host.Services.GetRequiredService<AccountProfileCache>().Count, 1, 8);
    }

    internal sealed class DictionaryProfiles(Dictionary<string, AccountProfile> profiles) : IAccountProfileProvider
    {
        public ConcurrentDictionary<string, int> Calls { get; } = new();

        public bool Fail { get; init; }

        public ValueTask<AccountProfile?> GetProfileAsync(HttpContext context, AccountId account, CancellationToken cancellationToken)
        {
            string key = context.Request.Headers.Authorization.ToString()["Bearer ".Length..];
            Calls.AddOrUpdate(key, 1, (_, n) => n + 1);
            if (Fail)
            {
                throw new InvalidOperationException("account database down");
            }

            return ValueTask.FromResult(profiles.GetValueOrDefault(key));
        }
    }

    /// <summary>Signs every request in as <paramref name="subject"/>, ahead of the pipeline, as an authentication handler would.</summary>
    private sealed class FakeAuthentication(string subject) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", subject)], "test"));
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
