namespace AntiDistill.Testing;

/// <summary>Everything the simulated traffic sent and got back, by population and in aggregate.</summary>
public sealed class SimulatedTrafficResult
{
    private readonly Dictionary<string, SimulatedPopulationResult> _byName;

    internal SimulatedTrafficResult(List<SimulatedExchange> exchanges, DistillationEngine? engine)
    {
        Exchanges = exchanges;
        var populations = new List<SimulatedPopulationResult>();
        _byName = new Dictionary<string, SimulatedPopulationResult>(StringComparer.Ordinal);
        foreach (var group in exchanges.GroupBy(e => e.Population, StringComparer.Ordinal))
        {
            var result = new SimulatedPopulationResult(group.Key, group.First().IsCampaign, [.. group], engine);
            populations.Add(result);
            _byName[group.Key] = result;
        }

        Populations = populations;
        Organic = new SimulatedPopulationResult("organic", isCampaign: false, [.. exchanges.Where(e => !e.IsCampaign)], engine);
        Campaign = new SimulatedPopulationResult("campaign", isCampaign: true, [.. exchanges.Where(e => e.IsCampaign)], engine);
    }

    /// <summary>Every exchange, in the order sent.</summary>
    public IReadOnlyList<SimulatedExchange> Exchanges { get; }

    /// <summary>Each population that sent at least one request, in order of its first request.</summary>
    public IReadOnlyList<SimulatedPopulationResult> Populations { get; }

    /// <summary>All legitimate traffic together.</summary>
    public SimulatedPopulationResult Organic { get; }

    /// <summary>All campaign traffic together.</summary>
    public SimulatedPopulationResult Campaign { get; }

    /// <summary>The population named <paramref name="population"/> (e.g. <c>campaign_cot_sweep</c>; see <see cref="Populations"/>).</summary>
    public SimulatedPopulationResult this[string population] =>
        _byName.TryGetValue(population, out var result) ? result : throw new KeyNotFoundException($"No population named '{population}' sent requests; there are {string.Join(", ", _byName.Keys)}.");

    /// <summary>The organic users of one kind.</summary>
    public SimulatedPopulationResult this[OrganicUsers kind] => this[AntiDistill.Testing.Populations.Of(kind).Name];

    /// <summary>The campaign of one kind.</summary>
    public SimulatedPopulationResult this[Campaigns kind] => this[AntiDistill.Testing.Populations.Of(kind).Name];

    /// <inheritdoc/>
    public override string ToString() => string.Join(Environment.NewLine, Populations);
}
