namespace AntiDistill;

/// <summary>One request as the linker needs it: who, what it added to the counters, and the attribute values it carried.</summary>
internal readonly struct LinkEvent
{
    public required AccountId Account { get; init; }

    public required RequestSummary Summary { get; init; }

    /// <summary>The account's own risk after this request (pairs of suspicious accounts may link across hubs).</summary>
    public required float Risk { get; init; }

    /// <summary>Whether the account state already knows its node (if not, the linker writes it back).</summary>
    public required bool HasNode { get; init; }

    public ulong Payment { get; init; }

    public ulong Device { get; init; }

    public ulong Network { get; init; }

    public ulong Client { get; init; }

    public ulong EmailDomain { get; init; }

    public ulong SignupBucket { get; init; }

    public ulong SystemPrompt { get; init; }

    public ulong Opening { get; init; }

    public ulong Closing { get; init; }

    public ulong SynchronyBucket { get; init; }

    public ulong Cadence { get; init; }

    /// <summary>The account's scheduled-day key (<see cref="AccountState.ScheduleKey"/>), or 0.</summary>
    public ulong Schedule { get; init; }

    public ProfileBands Bands { get; init; }
}
