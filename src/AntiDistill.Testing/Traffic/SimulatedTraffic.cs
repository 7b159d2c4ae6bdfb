using System.Diagnostics;
using AntiDistill.Requests;
using AntiDistill.Simulation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AntiDistill.Testing;

/// <summary>
/// Simulated users and campaigns sent to your app, in time order, on a fake clock:
/// <code>
/// var result = await SimulatedTraffic.Create(seed: 7)
///     .Organic(30)
///     .Campaign(6, Campaigns.ChainOfThoughtSweep)
///     .SendAsync(client, time, app.Services);
/// Assert.Equal(0, result.Organic.Rejected);
/// Assert.NotNull(result.Campaign.FirstRejectionIndex);
/// </code>
/// The same seed gives the same traffic. Sending is bounded: at most <see cref="MaxRequests(int)"/> requests, and at
/// most <see cref="Timeout(TimeSpan)"/> of wall-clock time.
/// </summary>
public sealed class SimulatedTraffic
{
    // Without a fake clock the app keeps its own, and the timestamps only order the requests: any fixed instant will do.
    private static readonly DateTimeOffset DefaultStart = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    private readonly int _seed;
    private readonly List<(Population Population, int Accounts)> _parts = [];
    private readonly Dictionary<RequestFormat, string> _paths = new()
    {
        [RequestFormat.OpenAIChatCompletions] = "/v1/chat/completions",
        [RequestFormat.OpenAIResponses] = "/v1/responses",
        [RequestFormat.AnthropicMessages] = "/v1/messages",
    };

    private TimeSpan _duration = TimeSpan.FromDays(1);
    private DateTimeOffset? _start;
    private int _maxRequests = 2000;
    private TimeSpan _timeout = TimeSpan.FromMinutes(2);

    private SimulatedTraffic(int seed) => _seed = seed;

    /// <summary>Starts describing traffic; the same <paramref name="seed"/> gives the same requests.</summary>
    public static SimulatedTraffic Create(int seed = 1) => new(seed);

    internal RequestFormat? Format { get; private set; }

    internal string? TlsFingerprintHeader { get; private set; }

    internal string? ForwardedForHeader { get; private set; } = "X-Forwarded-For";

    internal Action<HttpRequestMessage, string>? Credential { get; private set; }

    /// <summary>Adds <paramref name="accounts"/> legitimate accounts of one kind (default <see cref="OrganicUsers.Casual"/>).</summary>
    public SimulatedTraffic Organic(int accounts, OrganicUsers kind = OrganicUsers.Casual)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(accounts);
        _parts.Add((Populations.Of(kind), accounts));
        return this;
    }

    /// <summary>Adds a campaign run from <paramref name="accounts"/> accounts (default <see cref="Campaigns.ChainOfThoughtSweep"/>).</summary>
    public SimulatedTraffic Campaign(int accounts, Campaigns kind = Campaigns.ChainOfThoughtSweep)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(accounts);
        _parts.Add((Populations.Of(kind), accounts));
        return this;
    }

    /// <summary>How much simulated time the traffic spans. Default one day.</summary>
    public SimulatedTraffic Over(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        _duration = duration;
        return this;
    }

    /// <summary>When the traffic starts. Default: a minute after the fake clock's time when sending starts (or now, without one).</summary>
    public SimulatedTraffic StartingAt(DateTimeOffset start)
    {
        _start = start;
        return this;
    }

    /// <summary>The most requests sent, the earliest first (the rest are dropped). Default 2,000.</summary>
    public SimulatedTraffic MaxRequests(int max)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        _maxRequests = max;
        return this;
    }

    /// <summary>The most wall-clock time sending may take; past it, <see cref="SendAsync"/> throws <see cref="TimeoutException"/>. Default 2 minutes.</summary>
    public SimulatedTraffic Timeout(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        _timeout = timeout;
        return this;
    }

    /// <summary>Sends every request in <paramref name="format"/>. Default: each client its own (chat completions when it has no preference).</summary>
    public SimulatedTraffic InFormat(RequestFormat format)
    {
        if (!_paths.ContainsKey(format))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "Only the built-in formats can be simulated.");
        }

        Format = format;
        return this;
    }

    /// <summary>The path requests of <paramref name="format"/> go to. Defaults <c>/v1/chat/completions</c>, <c>/v1/responses</c>, <c>/v1/messages</c>.</summary>
    public SimulatedTraffic WithPath(RequestFormat format, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!_paths.ContainsKey(format))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "Only the built-in formats can be simulated.");
        }

        _paths[format] = path;
        return this;
    }

    /// <summary>
    /// How a request carries its account's credential. Default <c>Authorization: Bearer &lt;account&gt;</c>, the account name
    /// as the API key; set this when your app authenticates otherwise (e.g. a test JWT per account).
    /// </summary>
    public SimulatedTraffic WithCredential(Action<HttpRequestMessage, string> credential)
    {
        Credential = credential ?? throw new ArgumentNullException(nameof(credential));
        return this;
    }

    /// <summary>The header carrying the client's TLS fingerprint (match <c>AntiDistillation:Http:TlsFingerprintHeader</c>). Default none.</summary>
    public SimulatedTraffic WithTlsFingerprintHeader(string? header)
    {
        TlsFingerprintHeader = header;
        return this;
    }

    /// <summary>The header carrying the client's address (null for none; the app must trust it, e.g. <c>UseForwardedHeaders</c>). Default <c>X-Forwarded-For</c>.</summary>
    public SimulatedTraffic WithForwardedForHeader(string? header)
    {
        ForwardedForHeader = header;
        return this;
    }

    internal string PathOf(RequestFormat format) => _paths[format];

    /// <summary>
    /// Sends the traffic through <paramref name="client"/>, one request at a time in time order, moving <paramref name="time"/>
    /// (the app's <see cref="TimeProvider"/>) forward to each request's time.
    /// </summary>
    /// <param name="client">A client of the app: <c>WebApplicationFactory.CreateClient()</c>, <c>TestServer.CreateClient()</c>, or one pointed at a running host.</param>
    /// <param name="time">The app's clock, moved forward to each request's time; null sends as fast as the app answers with the app's own clock.</param>
    /// <param name="services">
    /// The app's services (<c>factory.Services</c>), optional: with <see cref="AntiDistillationTestRecorder"/> registered
    /// (<c>AddAntiDistillationTestRecorder()</c>) each exchange gets the action and verdict the middleware decided, and each
    /// population the engine's final verdicts on its accounts.
    /// </param>
    /// <param name="cancellationToken">Stops sending.</param>
    public async Task<SimulatedTrafficResult> SendAsync(HttpClient client, FakeTimeProvider? time = null, IServiceProvider? services = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (_parts.Count == 0)
        {
            throw new InvalidOperationException("Add organic users or a campaign first.");
        }

        var start = _start ?? (time is null ? DefaultStart : time.GetUtcNow().AddMinutes(1));
        var scenario = new Scenario();
        foreach (var (population, accounts) in _parts)
        {
            scenario.Add(population, accounts);
        }

        var requests = scenario.Generate(_seed, PromptLibrary.BuiltIn(_seed), start, _duration);
        if (requests.Count == 0)
        {
            // A test that sends nothing would pass every assertion about rejections: say so rather than return an empty result.
            throw new InvalidOperationException($"The populations sent no request between {start:O} and {start + _duration:O}; add accounts or lengthen Over(...).");
        }

        if (requests.Count > _maxRequests)
        {
            requests.RemoveRange(_maxRequests, requests.Count - _maxRequests);
        }

        var recorder = services?.GetService<AntiDistillationTestRecorder>();
        recorder?.Clear();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_timeout);
        var watch = Stopwatch.StartNew();
        var exchanges = new List<SimulatedExchange>(requests.Count);
        for (int i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            if (time is not null && request.Timestamp > time.GetUtcNow())
            {
                time.SetUtcNow(request.Timestamp);
            }

            using var message = RequestRenderer.Render(request, i, this);
            int status;
            try
            {
                using var response = await client.SendAsync(message, deadline.Token).ConfigureAwait(false);
                status = (int)response.StatusCode;
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Sent {i} of {requests.Count} simulated requests in {watch.Elapsed}, past the timeout of {_timeout}.");
            }

            var decision = recorder?.Take(i);
            exchanges.Add(new SimulatedExchange(i, request.Population, request.IsCampaign, request.Account, request.Timestamp, status, decision));
        }

        return new SimulatedTrafficResult(exchanges, services?.GetService<DistillationEngine>());
    }
}
