namespace AntiDistill.Simulation;

/// <summary>The networks simulated clients come from, with the names a gateway's ASN enrichment would give them.</summary>
public static class Networks
{
    /// <summary>First residential ASN used by the simulator (they run to <c>ResidentialAsnFirst + 399</c>).</summary>
    public const int ResidentialAsnFirst = 7000;

    /// <summary>The campus / corporate NAT ASN of <see cref="OrganicNatGroup"/>.</summary>
    public const int CampusAsn = 64_500;

    /// <summary>The office network ASN of <see cref="OrganicTeam"/>.</summary>
    public const int OfficeAsn = 64_511;

    /// <summary>The cloud provider of <see cref="CampaignAgenticHarvest"/> (and of cloud-hosted batch jobs).</summary>
    public const int CloudAsn = 15_169;

    private static readonly string[] Isps =
    [
        "Comcast Cable Communications", "Deutsche Telekom AG", "Charter Communications", "Orange S.A.", "Telefonica de Espana",
        "BT Public Internet Service", "Vodafone GmbH", "Reliance Jio Infocomm", "NTT Communications", "China Telecom",
        "Verizon Business", "Telstra Internet", "Rogers Communications", "Claro S.A.", "Turk Telekom", "Viettel Group",
        "Korea Telecom", "Bharti Airtel", "Free SAS", "Cox Communications",
    ];

    /// <summary>The organization name of an ASN the simulator hands out.</summary>
    public static string AsnOrganization(int asn) => asn switch
    {
        CampusAsn => "State University Campus Network",
        OfficeAsn => "Metro Business Fibre",
        CloudAsn => "Google Cloud",
        >= ResidentialAsnFirst and < ResidentialAsnFirst + 400 => Isps[(asn - ResidentialAsnFirst) % Isps.Length],
        _ => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"AS{asn}"),
    };
}
