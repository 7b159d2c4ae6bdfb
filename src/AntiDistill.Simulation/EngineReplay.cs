using System.Text;
using AntiDistill.Requests;

namespace AntiDistill.Simulation;

/// <summary>Feeds simulated requests to a <see cref="DistillationEngine"/> the way a front door would.</summary>
/// <remarks>
/// Client attributes are hashed with the engine's identity key (cached per distinct value), and linkage
/// runs after every request by default (<see cref="LinkEvery"/>), so a replay sees clusters exactly as early
/// as an online engine whose background loop never lags.
/// </remarks>
public sealed class EngineReplay(DistillationEngine engine)
{
    private readonly Dictionary<string, AccountId> _accounts = [];
    private readonly Dictionary<string, ulong> _hashes = [];
    private readonly Dictionary<string, ulong> _prefixes = [];
    private byte[] _prompt = new byte[4096];
    private long _observed;
    private byte[] _system = new byte[4096];
    private byte[] _opener = new byte[4096];

    /// <summary>Requests between linkage passes. Default 1: after every request, as early as linkage can be.</summary>
    public int LinkEvery { get; init; } = 1;

    /// <summary>The engine being fed.</summary>
    public DistillationEngine Engine { get; } = engine;

    /// <summary>Observes one request and returns the account's assessment after it.</summary>
    public Assessment Observe(SimulatedRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_accounts.TryGetValue(request.Account, out var account))
        {
            _accounts[request.Account] = account = Engine.Identities.Account(request.Account);
        }

        int promptBytes = Encode(request.Prompt, ref _prompt);
        int systemBytes = Encode(request.SystemPrompt, ref _system);
        var observation = new Observation
        {
            Account = account,
            Timestamp = request.Timestamp,
            Prompt = _prompt.AsSpan(0, promptBytes),
            SystemPrompt = _system.AsSpan(0, systemBytes),
            ToolCount = request.ToolCount,
            TurnCount = request.TurnCount,
            MaxOutputTokens = request.MaxOutputTokens,
            ReasoningRequested = request.Reasoning,
            Client = ClientOf(request.Client),
            Organization = Hash(request.Client.Org),
            Conversation = ConversationOf(request, _prompt.AsSpan(0, promptBytes)),
        };
        var assessment = Engine.Observe(observation);
        var served = ServedModel.Serve(request);
        Engine.ObserveServed(new ServedExchange
        {
            Account = account,
            Timestamp = request.Timestamp,
            Conversation = observation.Conversation,
            Status = served.Status,
            InputTokens = served.InputTokens,
            OutputTokens = served.OutputTokens,
            ReasoningTokens = served.ReasoningTokens,
        });
        if (++_observed % LinkEvery == 0)
        {
            Engine.ProcessLinkage();
        }

        return assessment;
    }

    /// <summary>The caches only save HMAC work; a proxy pool must not grow them without bound.</summary>
    private static void Bound(Dictionary<string, ulong> cache)
    {
        if (cache.Count >= 100_000)
        {
            cache.Clear();
        }
    }

    private ClientAttributes ClientOf(ClientProfile client) => new()
    {
        IpPrefix = PrefixOf(client.Ip),
        Asn = (uint)(client.Asn ?? 0),
        UserAgent = Hash(client.UserAgent),
        TlsFingerprint = Hash(client.TlsFingerprint),
        Device = Hash(client.Device),
        Payment = Hash(client.Payment),
        EmailDomain = Hash(client.EmailDomain),
        AccountCreated = client.AccountCreated ?? default,
    };

    /// <summary>
    /// The conversation's key, as the request readers make it: its first user message, or for a first turn the prompt
    /// (already encoded in <paramref name="prompt"/>), hashed by the readers' own <see cref="ConversationKey"/> (its
    /// length cap included: two openers alike in their first 512 bytes are one conversation to the engine, and so to
    /// the replay). Encoded into a reused buffer: a calibration replays a million requests.
    /// </summary>
    private ulong ConversationOf(SimulatedRequest request, ReadOnlySpan<byte> prompt)
    {
        foreach (var turn in request.History.Span)
        {
            if (turn.Role == ChatRole.User && turn.Text.Length > 0)
            {
                int length = Encode(turn.Text, ref _opener);
                return ConversationKey.Of(_opener.AsSpan(0, length));
            }
        }

        return ConversationKey.Of(prompt);
    }

    private ulong Hash(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return 0;
        }

        if (!_hashes.TryGetValue(value, out ulong hash))
        {
            Bound(_hashes);
            _hashes[value] = hash = Engine.Identities.Hash(value);
        }

        return hash;
    }

    private ulong PrefixOf(string? ip)
    {
        if (string.IsNullOrEmpty(ip))
        {
            return 0;
        }

        if (!_prefixes.TryGetValue(ip, out ulong hash))
        {
            Bound(_prefixes);
            _prefixes[ip] = hash = System.Net.IPAddress.TryParse(ip, out var address) ? Engine.Identities.IpPrefix(address) : 0;
        }

        return hash;
    }

    private static int Encode(string? text, ref byte[] buffer)
    {
        if (string.IsNullOrEmpty(text))
        {
            return 0;
        }

        int needed = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (needed > buffer.Length)
        {
            buffer = new byte[Math.Max(needed, buffer.Length * 2)];
        }

        return Encoding.UTF8.GetBytes(text, buffer);
    }
}
