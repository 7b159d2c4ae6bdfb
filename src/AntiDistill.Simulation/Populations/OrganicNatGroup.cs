namespace AntiDistill.Simulation;

/// <summary>
/// Unrelated people behind a few shared addresses (a university, a company, a carrier-grade NAT): same
/// network, same ISP, often the same browser, nothing else in common.
/// </summary>
public sealed class OrganicNatGroup : OrganicCasual
{
    /// <summary>Number of NAT addresses the accounts share. Default 3.</summary>
    public int Addresses { get; init; } = 3;

    /// <inheritdoc />
    public override string Name => "organic_nat";

    /// <inheritdoc />
    protected override ClientProfile Client(string account, Random rng)
    {
        // Stable per account: each person sits behind one of the NAT addresses. StableSeed, not string.GetHashCode,
        // which is salted per process and made the same seed write different logs from one run to the next.
        int nat = StableSeed.Of(account, 0) % Addresses;
        return Clients.Person(account, rng) with { Ip = $"198.51.{100 + nat}.7", Asn = Networks.CampusAsn };
    }
}
