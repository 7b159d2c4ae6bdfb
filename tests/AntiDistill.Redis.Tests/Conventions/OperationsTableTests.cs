using System.Diagnostics.Metrics;
using System.Reflection;
using System.Text.RegularExpressions;
using AntiDistill.AspNetCore.Tests;
using AntiDistill.RateLimiting;
using AntiDistill.Redis.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AntiDistill.Redis.Tests.Conventions;

/// <summary>
/// docs/operations.md against the code: every instrument and every log event of every package that emits, both ways.
/// Here because this is the one test project that references every such package (the engine, the rate limiter, the
/// middleware and Redis).
/// </summary>
public partial class OperationsTableTests
{
    /// <summary>The event-id range of each package, as CONTRIBUTING.md and docs/operations.md state them.</summary>
    private static readonly Dictionary<string, (int First, int Last)> Ranges = new()
    {
        ["AntiDistill"] = (1000, 1999),
        ["AntiDistill.RateLimiting"] = (2000, 2999),
        ["AntiDistill.AspNetCore"] = (3000, 3999),
        ["AntiDistill.OpenTelemetry"] = (4000, 4999),
        ["AntiDistill.Cli"] = (5000, 5999),
        ["AntiDistill.Redis"] = (6000, 6999),
    };

    private static readonly Assembly[] Packages =
    [
        typeof(DistillationEngine).Assembly,
        typeof(RiskRateLimiter).Assembly,
        typeof(AntiDistill.AspNetCore.IAntiDistillationFeature).Assembly,
        typeof(RedisStateOptions).Assembly,
    ];

    [Fact]
    public async Task Instruments_MiddlewareFeedsAndRedisExercised_EachInTheTableAndNoOther()
    {
        var published = new HashSet<string>(StringComparer.Ordinal);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == AntiDistillationTelemetry.MeterName)
                {
                    lock (published)
                    {
                        published.Add(instrument.Name);
                    }
                }
            },
        };
        listener.Start();

        await using (var app = await StartAsync())
        {
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) }; // the bound address, once started
            using var request = new HttpRequestMessage(HttpMethod.Post, Bodies.ChatPath) { Content = new StringContent(Bodies.Chat(), System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "sk-conventions");
            using var response = await client.SendAsync(request);
            response.EnsureSuccessStatusCode();

            // Redis's instruments without a Redis: the metrics object is what creates them.
            _ = new RedisMetrics(app.Services.GetRequiredService<IMeterFactory>(), static () => 0);
        }

        string[] documented = [.. InstrumentRow().Matches(Operations()).Select(m => m.Groups[1].Value)];
        Assert.True(published.Count >= 20, $"only {published.Count} instruments were published: {string.Join(", ", published)}");
        Assert.Empty(published.Except(documented).Order());
        Assert.Empty(documented.Except(published).Order());
    }

    [Fact]
    public void LoggerMessages_EveryPackage_UniqueIdsAndNamesWithinThePackagesRange()
    {
        var events = Events();

        Assert.True(events.Count >= 20, $"only {events.Count} events found");
        Assert.All(events, e =>
        {
            var (first, last) = Ranges[e.Package];
            Assert.True(e.Id >= first && e.Id <= last, $"{e.Name} ({e.Id}) is outside {e.Package}'s range {first}-{last}");
        });
        Assert.Empty(events.GroupBy(e => e.Id).Where(g => g.Count() > 1).Select(g => g.Key));
        Assert.Empty(events.GroupBy(e => e.Name).Where(g => g.Count() > 1).Select(g => g.Key));
    }

    [Fact]
    public void LoggerMessages_EveryEvent_InTheTableWithItsNameAndLevel()
    {
        var events = Events();
        var documented = EventRow().Matches(Operations()).ToDictionary(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            m => (Name: m.Groups[2].Value, Level: m.Groups[3].Value));

        Assert.All(events, e =>
        {
            Assert.True(documented.TryGetValue(e.Id, out var row), $"event {e.Id} {e.Name} is not in docs/operations.md");
            Assert.Equal((e.Name, e.Level.ToString()), row);
        });
        Assert.Empty(documented.Keys.Except(events.Select(e => e.Id)));
    }

    private static List<(string Package, int Id, string Name, LogLevel Level)> Events()
    {
        var events = new List<(string, int, string, LogLevel)>();
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        foreach (var assembly in Packages)
        {
            foreach (var type in assembly.GetTypes())
            {
                foreach (var method in type.GetMethods(All))
                {
                    if (method.GetCustomAttribute<LoggerMessageAttribute>() is { } message)
                    {
                        events.Add((assembly.GetName().Name!, message.EventId, message.EventName ?? method.Name, message.Level));
                    }
                }
            }
        }

        return events;
    }

    private static async Task<WebApplication> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Logging.ClearProviders();
        builder.Services.AddAntiDistillation(o => o.IdentityKey = "dGVzdC1pZGVudGl0eS1rZXktMTYtYnl0ZXMhIQ==")
            .AddAspNetCore()
            .AddIndicatorFeed("conventions", o => o.Path = Path.Combine(AppContext.BaseDirectory, "no-such-feed.json"));
        var app = builder.Build();
        app.UseAntiDistillation();
        app.MapPost(Bodies.ChatPath, () => "ok");
        app.Urls.Add("http://127.0.0.1:0");
        await app.StartAsync();
        return app;
    }

    /// <summary>docs/operations.md, found by walking up from the test's output folder to the repository root.</summary>
    private static string Operations()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AntiDistill.sln")))
            {
                return File.ReadAllText(Path.Combine(dir.FullName, "docs", "operations.md"));
            }
        }

        throw new FileNotFoundException("No AntiDistill.sln above " + AppContext.BaseDirectory);
    }

    /// <summary>A row of the metrics table: name, then type (the trace-tag table's rows have values there instead).</summary>
    [GeneratedRegex(@"^\| `(antidistill\.[a-z_.]+)` \| (?:counter|histogram|observable [a-z -]+) \|", RegexOptions.Multiline)]
    private static partial Regex InstrumentRow();

    [GeneratedRegex(@"^\| (\d+) \| `(\w+)` \| (\w+) \|", RegexOptions.Multiline)]
    private static partial Regex EventRow();
}
