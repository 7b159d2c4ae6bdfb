using System.Globalization;

namespace AntiDistill.Simulation;

/// <summary>
/// Splits one simulated world between providers: every account (and so all its traffic) goes to exactly one, by its
/// index within its population, so each provider gets its share of every population. One operator's campaign then
/// reaches several providers with disjoint accounts and traffic but the same recipe (templates, system prompts) and
/// infrastructure (clients, proxies, e-mail domains), as the reported campaigns did; each provider keeps its own organic users.
/// </summary>
public static class ProviderSplit
{
    /// <summary>The provider (0 to <paramref name="providers"/> − 1) that serves <paramref name="account"/>.</summary>
    /// <param name="account">A simulated account name (<c>population_part_index</c>).</param>
    /// <param name="providers">How many providers share the world.</param>
    public static int Of(string account, int providers)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentOutOfRangeException.ThrowIfLessThan(providers, 1);
        int underscore = account.LastIndexOf('_');
        return int.TryParse(account.AsSpan(underscore + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            ? index % providers
            : (int)((uint)StableSeed(account) % (uint)providers);
    }

    private static int StableSeed(string text)
    {
        // FNV-1a: string.GetHashCode is salted per process, and a split must not change between runs.
        uint h = 2166136261;
        foreach (char c in text)
        {
            h = (h ^ c) * 16777619;
        }

        return (int)h;
    }
}
