using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using AntiDistill.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AntiDistill.OpenTelemetry.Tests;

/// <summary>
/// A real Kestrel server on 127.0.0.1 behind the middleware, registered with OpenTelemetry as the package's README
/// says and exporting to memory. The endpoint records the account id the engine derived, so that tests can look
/// for it in the telemetry.
/// </summary>
internal sealed class TracedHost : IAsyncDisposable
{
    /// <summary>
    /// The test collection of every class that starts a host: a meter provider subscribes to the <c>AntiDistill</c> meter
    /// by name, so hosts running side by side would see each other's instruments.
    /// </summary>
    public const string Collection = "One traced host at a time";

    public const string IdentityKey = "dGVzdC1pZGVudGl0eS1rZXktMTYtYnl0ZXMhIQ==";

    private readonly List<MetricSnapshot> _metrics;

    private TracedHost(WebApplication app, HttpClient client, SynchronizedCollection activities, List<MetricSnapshot> metrics, ConcurrentQueue<AccountId> accounts)
    {
        App = app;
        Client = client;
        Activities = activities;
        _metrics = metrics;
        Accounts = accounts;
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    /// <summary>Exported activities; the exporter adds each as it stops, on Kestrel's threads.</summary>
    public SynchronizedCollection Activities { get; }

    /// <summary>Account ids the engine assessed, as the endpoint saw them.</summary>
    public ConcurrentQueue<AccountId> Accounts { get; }

    public static async Task<TracedHost> StartAsync(IDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Logging.ClearProviders();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings) { ["AntiDistillation:IdentityKey"] = IdentityKey });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddAntiDistillation(builder.Configuration.GetSection("AntiDistillation")).AddAspNetCore();

        var activities = new SynchronizedCollection();
        var metrics = new List<MetricSnapshot>();
        var accounts = new ConcurrentQueue<AccountId>();
        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing
                .AddSource("Microsoft.AspNetCore")          // the request's own activity, as ASP.NET Core instrumentation would
                .AddAntiDistillationInstrumentation()
                .AddInMemoryExporter(activities))
            .WithMetrics(meters => meters
                .AddAntiDistillationInstrumentation()
                .AddInMemoryExporter(metrics));

        var app = builder.Build();
        app.UseAntiDistillation();
        app.MapPost("/v1/chat/completions", (HttpContext context) =>
        {
            if (context.Features.Get<IAntiDistillationFeature>()?.Assessment is { } assessment)
            {
                accounts.Enqueue(assessment.Account);
            }

            return Results.Ok();
        });
        await app.StartAsync();

        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
        return new TracedHost(app, client, activities, metrics, accounts);
    }

    /// <summary>Metric snapshots after a flush of the meter provider.</summary>
    public IReadOnlyList<MetricSnapshot> FlushMetrics()
    {
        App.Services.GetRequiredService<MeterProvider>().ForceFlush();
        lock (_metrics)
        {
            return [.. _metrics];
        }
    }

    /// <summary>The request's server activity, once exported (it stops after the response has been sent).</summary>
    public async Task<Activity> ServerActivityAsync(ActivityTraceId traceId)
    {
        for (int i = 0; i < 400; i++)
        {
            if (Activities.Snapshot().FirstOrDefault(a => a.Kind == ActivityKind.Server && a.TraceId == traceId) is { } server)
            {
                return server;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException("The request's server activity was never exported.");
    }

    /// <summary>A chat-completions request; with a trace id, a sampled remote parent so the request's activities carry it.</summary>
    public static HttpRequestMessage Chat(ActivityTraceId? trace, string apiKey, string prompt)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(
                $$"""{"model":"gpt-4o","max_tokens":256,"messages":[{"role":"user","content":"{{prompt}}"}]}""",
                Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        // A sampled remote parent, so that the server activity (and the decision under it) carry this trace id.
        if (trace is { } id)
        {
            request.Headers.Add("traceparent", $"00-{id.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        }

        return request;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }

    /// <summary>The exporter adds from several threads; tests read snapshots.</summary>
    internal sealed class SynchronizedCollection : System.Collections.ObjectModel.Collection<Activity>
    {
        public Activity[] Snapshot()
        {
            lock (Items)
            {
                return [.. Items];
            }
        }

        protected override void InsertItem(int index, Activity item)
        {
            lock (Items)
            {
                base.InsertItem(Items.Count, item);
            }
        }
    }
}
