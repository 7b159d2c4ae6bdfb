using AntiDistill.AspNetCore;
using AntiDistill.Simulation;
using Microsoft.AspNetCore.Http;

namespace AntiDistill.Redis.Tests.Infrastructure;

/// <summary>
/// The host's account database for simulated traffic: each API key's card, device, organization, e-mail domain and
/// signup time as the simulation generated them. Every node gets the same one, as every node of a deployment reads
/// the same database.
/// </summary>
internal sealed class SimulatedProfiles(IEnumerable<SimulatedRequest> traffic) : IAccountProfileProvider
{
    private readonly Dictionary<string, AccountProfile> _profiles = traffic
        .GroupBy(r => r.Account, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => Profile(g.First().Client), StringComparer.Ordinal);

    public ValueTask<AccountProfile?> GetProfileAsync(HttpContext context, AccountId account, CancellationToken cancellationToken)
    {
        string? authorization = context.Request.Headers.Authorization;
        string? key = authorization is { Length: > 7 } ? authorization["Bearer ".Length..] : null;
        return ValueTask.FromResult(key is not null && _profiles.TryGetValue(key, out var profile) ? profile : null);
    }

    private static AccountProfile Profile(ClientProfile client) => new()
    {
        PaymentFingerprint = client.Payment,
        DeviceFingerprint = client.Device,
        Organization = client.Org,
        EmailDomain = client.EmailDomain,
        CreatedAt = client.AccountCreated,
    };
}
