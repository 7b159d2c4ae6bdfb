namespace AntiDistill.Simulation;

/// <summary>
/// Ordinary chat users who browse through a residential proxy / VPN service: every request leaves from another
/// exit of the same pool a hydra rents (proxy resellers mix harvesting with their other customers' real traffic),
/// so sharing exit prefixes and ASNs with a campaign says nothing by itself.
/// </summary>
public sealed class OrganicVpnUser : OrganicCasual
{
    /// <summary>Distinct /24 prefixes in the pool. Default 5,000 (the <see cref="CampaignHydra"/> default).</summary>
    public int ProxyPrefixes { get; init; } = 5_000;

    /// <inheritdoc />
    public override string Name => "organic_vpn";

    /// <inheritdoc />
    public override IEnumerable<SimulatedRequest> Generate(PopulationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // A side stream picks the exits, so the conversations are the casual users' own.
        var exits = new Random(StableSeed.Of(Name, context.Start.UtcTicks) ^ context.Rng.Next());
        foreach (var request in base.Generate(context))
        {
            yield return request with
            {
                Client = request.Client with { Ip = CampaignHydra.ProxyAddress(exits.Next(ProxyPrefixes), exits), Asn = Clients.ResidentialAsn(exits) },
            };
        }
    }
}
