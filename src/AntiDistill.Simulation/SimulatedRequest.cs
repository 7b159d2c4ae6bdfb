namespace AntiDistill.Simulation;

/// <summary>One simulated API request, with the truth about who sent it.</summary>
public sealed record SimulatedRequest
{
    /// <summary>Account id as the provider knows it.</summary>
    public required string Account { get; init; }

    /// <summary>When the request arrived.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The last user message.</summary>
    public required string Prompt { get; init; }

    /// <summary>The system prompt, if any.</summary>
    public string? SystemPrompt { get; init; }

    /// <summary>Number of tools declared.</summary>
    public int ToolCount { get; init; }

    /// <summary>Messages in the conversation other than the system prompt (1 for single-turn).</summary>
    public int TurnCount { get; init; } = 1;

    /// <summary>Requested output budget, 0 when absent.</summary>
    public int MaxOutputTokens { get; init; }

    /// <summary>Whether extended reasoning was requested.</summary>
    public bool Reasoning { get; init; }

    /// <summary>The earlier turns of the conversation, oldest first, that the client sends again before <see cref="Prompt"/> (empty for single-turn).</summary>
    /// <remarks>
    /// The engine sees only their count (<see cref="TurnCount"/>); log writers render them into realistic bodies.
    /// When the history ends with a <see cref="ChatRole.ToolCall"/>, <see cref="Prompt"/> is that call's result
    /// (an agent loop's next step), not a new user message.
    /// </remarks>
    public ReadOnlyMemory<ChatTurn> History { get; init; }

    /// <summary>The body format the client speaks, or <c>null</c> to let the writer choose per account.</summary>
    public ApiFormat? Format { get; init; }

    /// <summary>Names the tool list declared (clients of one product send the same one), or <c>null</c> for a generic one.</summary>
    public string? ToolSet { get; init; }

    /// <summary>The population that sent it (ground truth, never shown to the engine).</summary>
    public required string Population { get; init; }

    /// <summary>Whether the population is a distillation campaign (ground truth).</summary>
    public required bool IsCampaign { get; init; }

    /// <summary>The corpus the prompt's content came from (for per-source reports).</summary>
    public required string Source { get; init; }

    /// <summary>Where the request came from.</summary>
    public ClientProfile Client { get; init; } = ClientProfile.Unknown;
}

/// <summary>Network and account attributes of a simulated client (consumed by account linkage).</summary>
public sealed record ClientProfile
{
    /// <summary>No attributes known.</summary>
    public static ClientProfile Unknown { get; } = new();

    /// <summary>Client IP address.</summary>
    public string? Ip { get; init; }

    /// <summary>Autonomous system number.</summary>
    public int? Asn { get; init; }

    /// <summary>Name of the autonomous system; <c>null</c> to use <see cref="Networks.AsnOrganization(int)"/>.</summary>
    public string? AsnOrg { get; init; }

    /// <summary>User agent.</summary>
    public string? UserAgent { get; init; }

    /// <summary>TLS fingerprint.</summary>
    public string? TlsFingerprint { get; init; }

    /// <summary>Payment fingerprint.</summary>
    public string? Payment { get; init; }

    /// <summary>Device fingerprint.</summary>
    public string? Device { get; init; }

    /// <summary>Organization.</summary>
    public string? Org { get; init; }

    /// <summary>E-mail domain.</summary>
    public string? EmailDomain { get; init; }

    /// <summary>Account creation time.</summary>
    public DateTimeOffset? AccountCreated { get; init; }
}
