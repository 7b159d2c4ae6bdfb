using System.Globalization;

namespace AntiDistill.Simulation;

/// <summary>A mix of populations with their account counts; generates their traffic in time order, reproducibly from a seed.</summary>
public sealed class Scenario
{
    private readonly List<(Population Population, int Accounts)> _parts = [];

    /// <summary>The populations and how many accounts each has.</summary>
    public IReadOnlyList<(Population Population, int Accounts)> Parts => _parts;

    /// <summary>Adds a population with the given number of accounts.</summary>
    public Scenario Add(Population population, int accounts)
    {
        ArgumentNullException.ThrowIfNull(population);
        ArgumentOutOfRangeException.ThrowIfNegative(accounts);
        _parts.Add((population, accounts));
        return this;
    }

    /// <summary>Generates every request, sorted by time (ties broken by account, then generation order).</summary>
    /// <param name="seed">Same seed, same traffic.</param>
    /// <param name="prompts">Where prompts come from.</param>
    /// <param name="start">Start of the window.</param>
    /// <param name="duration">Length of the window; requests past its end are dropped.</param>
    public List<SimulatedRequest> Generate(int seed, PromptLibrary prompts, DateTimeOffset start, TimeSpan duration)
    {
        var all = new List<SimulatedRequest>();
        for (int i = 0; i < _parts.Count; i++)
        {
            var (population, count) = _parts[i];
            var accounts = new string[count];
            for (int a = 0; a < count; a++)
            {
                accounts[a] = string.Create(CultureInfo.InvariantCulture, $"{population.Name}_{i}_{a:D5}");
            }

            // One Random per part, derived from the seed (not HashCode, which is salted per process): adding a part does not reshuffle the others.
            var context = new PopulationContext(new Random(unchecked((seed * 1_000_003) + (i * 7919))), prompts, start, duration, accounts);
            foreach (var request in population.Generate(context))
            {
                if (request.Timestamp >= start && request.Timestamp < start + duration)
                {
                    all.Add(request);
                }
            }
        }

        // Stable sort keeps each account's own order for equal timestamps.
        return [.. all.Select((r, i) => (r, i)).OrderBy(x => x.r.Timestamp).ThenBy(x => x.i).Select(x => x.r)];
    }
}
