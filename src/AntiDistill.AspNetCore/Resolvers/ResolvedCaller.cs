namespace AntiDistill.AspNetCore;

/// <summary>Who sent a request and from where, as keyed hashes, ready for an <see cref="Observation"/>.</summary>
internal struct ResolvedCaller
{
    public AccountId Account;
    public ulong ApiKey;
    public ulong Organization;
    public ClientAttributes Client;
}

/// <summary>A cached account profile, hashed.</summary>
internal sealed class HashedProfile(AccountId account, ulong organization, ulong payment, ulong device, ulong emailDomain, DateTimeOffset created, long expiresAt)
{
    /// <summary>Stands for "the host does not know this account", cached like any other answer.</summary>
    public static HashedProfile Empty(long expiresAt) => new(default, 0, 0, 0, 0, default, expiresAt);

    public AccountId Account { get; } = account;

    public ulong Organization { get; } = organization;

    public ulong Payment { get; } = payment;

    public ulong Device { get; } = device;

    public ulong EmailDomain { get; } = emailDomain;

    public DateTimeOffset Created { get; } = created;

    public long ExpiresAt { get; } = expiresAt;
}
