using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using AntiDistill.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace AntiDistill.AspNetCore.Tests.RateLimiting;

/// <summary>The limiter as ASP.NET Core's <c>GlobalLimiter</c> in a real Kestrel server on 127.0.0.1.</summary>
public sealed class RiskRateLimiterKestrelTests : IAsyncLifetime, IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddAntiDistillation().AddRiskRateLimiter(options =>
        {
            options.Account.Capacity = 1_000;
            options.Account.TokensPerSecond = 100;
            options.Cluster.Capacity = 2_000;
            options.Cluster.TokensPerSecond = 100;
        });
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<RiskRateLimiter>((options, limiter) =>
        {
            // The host's part: who the request is and what it costs (the middleware takes these from the engine).
            options.GlobalLimiter = limiter.WithTranslatedKey<HttpContext>(KeyOf, leaveOpen: true);
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = static (context, _) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    context.HttpContext.Response.Headers.RetryAfter = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }

                if (context.Lease.TryGetMetadata(RiskRateLimiterMetadata.RejectedBy, out var scope))
                {
                    context.HttpContext.Response.Headers["X-Rejected-By"] = scope.ToString();
                }

                return ValueTask.CompletedTask;
            };
        });

        _app = builder.Build();
        _app.UseRateLimiter();
        _app.MapGet("/v1/chat/completions", () => "ok");
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task GlobalLimiter_AccountOverBudget_429WithRetryAfterOthersServed()
    {
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(account: 1, tokens: 400)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(account: 1, tokens: 400)).StatusCode);

        using var refused = await SendAsync(account: 1, tokens: 400);
        using var other = await SendAsync(account: 2, tokens: 400);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), refused.Headers.RetryAfter!.Delta);
        Assert.Equal("Account", refused.Headers.GetValues("X-Rejected-By").Single());
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);

        _time.Advance(TimeSpan.FromSeconds(2));
        using var later = await SendAsync(account: 1, tokens: 400);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
    }

    [Fact]
    public async Task GlobalLimiter_HydraAccountsInOneCluster_ThrottledTogether()
    {
        int ok = 0;
        int byCluster = 0;
        for (int account = 100; account < 120; account++)
        {
            using var response = await SendAsync(account, tokens: 250, cluster: 5);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                ok++;
            }
            else if (response.Headers.TryGetValues("X-Rejected-By", out var scope) && scope.Single() == "Cluster")
            {
                byCluster++;
            }
        }

        Assert.Equal(8, ok);
        Assert.Equal(12, byCluster);
    }

    [Fact]
    public async Task GlobalLimiter_ConcurrentClients_ExactlyTheBudgetServed()
    {
        int ok = 0;
        await Parallel.ForAsync(0, 4, async (_, cancellationToken) =>
        {
            for (int i = 0; i < 40; i++)
            {
                using var response = await SendAsync(account: 7, tokens: 10);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref ok);
                }
            }
        });

        Assert.Equal(100, ok);
    }

    private static RiskPartitionKey KeyOf(HttpContext context)
    {
        var headers = context.Request.Headers;
        ulong account = ulong.Parse(headers["X-Account"].ToString(), CultureInfo.InvariantCulture);
        int cluster = headers.TryGetValue("X-Cluster", out var c) ? int.Parse(c.ToString(), CultureInfo.InvariantCulture) : 0;
        long tokens = long.Parse(headers["X-Tokens"].ToString(), CultureInfo.InvariantCulture);
        return new RiskPartitionKey(new AccountId(account), new ClusterId(cluster), 0.1f, 0.1f, tokens);
    }

    private Task<HttpResponseMessage> SendAsync(int account, int tokens, int cluster = 0)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/chat/completions");
        request.Headers.Add("X-Account", account.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("X-Tokens", tokens.ToString(CultureInfo.InvariantCulture));
        if (cluster != 0)
        {
            request.Headers.Add("X-Cluster", cluster.ToString(CultureInfo.InvariantCulture));
        }

        return _client.SendAsync(request);
    }
}
