using System.Text;

namespace AntiDistill.Simulation;

/// <summary>Feeds simulated requests to a <see cref="DistillationEngine"/> the way a front door would.</summary>
public sealed class EngineReplay(DistillationEngine engine)
{
    private readonly Dictionary<string, AccountId> _accounts = [];
    private byte[] _prompt = new byte[4096];
    private byte[] _system = new byte[4096];

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
        };
        return Engine.Observe(observation);
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
