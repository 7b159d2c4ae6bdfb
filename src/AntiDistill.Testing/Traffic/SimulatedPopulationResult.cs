using AntiDistill.AspNetCore;

namespace AntiDistill.Testing;

/// <summary>What one population (or all organic or all campaign traffic) sent and got back.</summary>
public sealed class SimulatedPopulationResult
{
    internal SimulatedPopulationResult(string name, bool isCampaign, List<SimulatedExchange> exchanges, DistillationEngine? engine)
    {
        Name = name;
        IsCampaign = isCampaign;
        Exchanges = exchanges;
        var statuses = new SortedDictionary<int, int>();
        var actions = new Dictionary<string, int>(StringComparer.Ordinal);
        var lastAccountIds = new Dictionary<string, AccountId>(StringComparer.Ordinal);
        var accounts = new HashSet<string>(StringComparer.Ordinal);
        var rejectedAccounts = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < exchanges.Count; i++)
        {
            var exchange = exchanges[i];
            accounts.Add(exchange.Account);
            statuses[exchange.StatusCode] = statuses.GetValueOrDefault(exchange.StatusCode) + 1;
            if (exchange.IsRejected)
            {
                Rejected++;
                FirstRejectionIndex ??= i;
                rejectedAccounts.Add(exchange.Account);
            }

            if (exchange.Decision is { IsScored: true } decision)
            {
                actions[decision.ActionName] = actions.GetValueOrDefault(decision.ActionName) + 1;
                if (decision.Account is { } id)
                {
                    lastAccountIds[exchange.Account] = id;
                }
            }
        }

        Accounts = accounts.Count;
        AccountsRejected = rejectedAccounts.Count;
        StatusCodes = statuses;
        Actions = actions;

        // The engine's verdict on each account now (after all its requests), through its public API.
        var verdicts = new Dictionary<Verdict, int>();
        if (engine is not null)
        {
            foreach (var (_, id) in lastAccountIds)
            {
                if (engine.TryAssess(id, out var assessment))
                {
                    verdicts[assessment.Verdict] = verdicts.GetValueOrDefault(assessment.Verdict) + 1;
                }
            }
        }

        FinalVerdicts = verdicts;
    }

    /// <summary>The population's name (<c>organic</c> or <c>campaign</c> for the aggregates).</summary>
    public string Name { get; }

    /// <summary>Whether it is campaign traffic (the ground truth).</summary>
    public bool IsCampaign { get; }

    /// <summary>Its requests in the order sent.</summary>
    public IReadOnlyList<SimulatedExchange> Exchanges { get; }

    /// <summary>How many requests it sent.</summary>
    public int RequestsSent => Exchanges.Count;

    /// <summary>How many accounts sent them.</summary>
    public int Accounts { get; }

    /// <summary>Responses by HTTP status: status → count.</summary>
    public IReadOnlyDictionary<int, int> StatusCodes { get; }

    /// <summary>How many requests were refused (any status outside 2xx).</summary>
    public int Rejected { get; }

    /// <summary>How many of its accounts were refused at least once.</summary>
    public int AccountsRejected { get; }

    /// <summary>The index in <see cref="Exchanges"/> of the first refused request, or null when none was.</summary>
    public int? FirstRejectionIndex { get; }

    /// <summary>Scored requests by the action their band called for (<see cref="IAntiDistillationFeature.ActionName"/>: <c>allow</c>, <c>throttle</c>, a host handler's name); empty without the recorder.</summary>
    public IReadOnlyDictionary<string, int> Actions { get; }

    /// <summary>
    /// The engine's verdict on each of its accounts after the traffic (<see cref="DistillationEngine.TryAssess"/>): verdict → accounts.
    /// Empty unless the app's services were given to <see cref="SimulatedTraffic.SendAsync"/> with the recorder registered.
    /// </summary>
    public IReadOnlyDictionary<Verdict, int> FinalVerdicts { get; }

    /// <summary>How many requests got <paramref name="statusCode"/>.</summary>
    public int CountOf(int statusCode) => StatusCodes.GetValueOrDefault(statusCode);

    /// <summary>How many scored requests the action named <paramref name="actionName"/> was called for (e.g. <c>throttle</c>).</summary>
    public int CountOf(string actionName) => Actions.GetValueOrDefault(actionName);

    /// <summary>How many scored requests <paramref name="action"/> was called for.</summary>
    public int CountOf(AntiDistillationAction action)
    {
        int count = 0;
        foreach (var exchange in Exchanges)
        {
            if (exchange.Decision is { IsScored: true } decision && decision.Action == action)
            {
                count++;
            }
        }

        return count;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Name}: {RequestsSent} requests from {Accounts} accounts, {Rejected} rejected ({AccountsRejected} accounts), statuses " +
        string.Join(", ", StatusCodes.Select(s => $"{s.Key}×{s.Value}"));
}
