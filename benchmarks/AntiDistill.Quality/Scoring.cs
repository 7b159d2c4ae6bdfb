namespace AntiDistill.Quality;

/// <summary>An account's truth beside what the analyzer said about it.</summary>
internal sealed record Joined(TruthRow Truth, ReportAccount Report);

/// <summary>Detection figures for a group of accounts (a population, a prompt source, all campaign accounts).</summary>
internal sealed class GroupStats(string name)
{
    private readonly List<int> _firstFlags = [];

    public string Name { get; } = name;

    public int Accounts { get; private set; }

    public long Requests { get; private set; }

    /// <summary>Rated suspicious or worse at some request of the streaming replay (<c>first_flagged_request</c> set).</summary>
    public int EverFlagged { get; private set; }

    /// <summary>Rated suspicious or worse at the end.</summary>
    public int FlaggedAtEnd { get; private set; }

    /// <summary>Rated campaign at the end.</summary>
    public int Campaign { get; private set; }

    public int Clustered { get; private set; }

    /// <summary>Requests answered before the request at which the account was first flagged (all of them when never).</summary>
    public long ServedBeforeFlag { get; private set; }

    public double EverFlaggedShare => Share(EverFlagged, Accounts);

    public double FlaggedAtEndShare => Share(FlaggedAtEnd, Accounts);

    public double CampaignShare => Share(Campaign, Accounts);

    public double ClusteredShare => Share(Clustered, Accounts);

    public double ServedBeforeFlagShare => Requests == 0 ? 0 : (double)ServedBeforeFlag / Requests;

    public double? MedianFirstFlag
    {
        get
        {
            if (_firstFlags.Count == 0)
            {
                return null;
            }

            _firstFlags.Sort();
            int n = _firstFlags.Count;
            return n % 2 == 1 ? _firstFlags[n / 2] : (_firstFlags[(n / 2) - 1] + _firstFlags[n / 2]) / 2.0;
        }
    }

    public void Add(Joined account)
    {
        var r = account.Report;
        Accounts++;
        Requests += r.Requests;
        Clustered += r.Cluster is null ? 0 : 1;
        FlaggedAtEnd += r.FlaggedAtEnd ? 1 : 0;
        Campaign += r.Verdict == "campaign" ? 1 : 0;
        if (r.FirstFlaggedRequest is int first)
        {
            EverFlagged++;
            _firstFlags.Add(first);
            ServedBeforeFlag += first - 1;
        }
        else
        {
            ServedBeforeFlag += r.Requests;
        }
    }

    private static double Share(int part, int whole) => whole == 0 ? 0 : (double)part / whole;
}

/// <summary>A goal from issue 4 and whether the run meets it.</summary>
internal sealed record Goal(string Name, string Target, double Measured, bool Higher, double Threshold, bool Percent)
{
    public bool Met => Higher ? Measured >= Threshold : Measured <= Threshold;
}

/// <summary>The whole scoring of one run.</summary>
internal sealed class Scorecard
{
    public static readonly string[] GoalCampaigns = ["campaign_hydra", "campaign_agentic", "campaign_camouflaged"];

    public Scorecard(IReadOnlyList<Joined> accounts)
    {
        Accounts = accounts;
        foreach (var a in accounts)
        {
            Group(Populations, a.Truth.Population).Add(a);
            Group(a.Truth.IsCampaign ? CampaignSources : OrganicSources, a.Truth.Source).Add(a);
            (a.Truth.IsCampaign ? AllCampaign : AllOrganic).Add(a);
        }

        // Every campaign family must be caught, quiet ones included (the loud ones nearly always), and early.
        var goals = new List<Goal>();
        var campaigns = accounts.Where(a => a.Truth.IsCampaign).Select(a => a.Truth.Population).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, group) in Populations.Where(p => campaigns.Contains(p.Key)))
        {
            goals.Add(Recall(name, name is "campaign_hydra" or "campaign_agentic" ? 0.99 : 0.90));
            goals.Add(new Goal($"{name}: requests served before its accounts were flagged", "<= 10 %", group.ServedBeforeFlagShare, Higher: false, 0.10, Percent: true));
        }

        goals.Add(new Goal("organic accounts rated campaign", "<= 0.1 %", AllOrganic.CampaignShare, Higher: false, 0.001, Percent: true));
        goals.Add(new Goal("organic accounts flagged at all", "<= 1 %", AllOrganic.EverFlaggedShare, Higher: false, 0.01, Percent: true));
        goals.Add(new Goal("median requests until flagged (campaign accounts)", "<= 20", AllCampaign.MedianFirstFlag ?? double.PositiveInfinity, Higher: false, 20, Percent: false));
        goals.Add(new Goal("campaign requests served before their account was flagged", "<= 10 %", AllCampaign.ServedBeforeFlagShare, Higher: false, 0.10, Percent: true));
        Goals = goals;
    }

    public IReadOnlyList<Joined> Accounts { get; }

    public SortedDictionary<string, GroupStats> Populations { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, GroupStats> OrganicSources { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, GroupStats> CampaignSources { get; } = new(StringComparer.Ordinal);

    public GroupStats AllCampaign { get; } = new("all campaign accounts");

    public GroupStats AllOrganic { get; } = new("all organic accounts");

    public IReadOnlyList<Goal> Goals { get; }

    private Goal Recall(string population, double threshold) =>
        new($"recall {population} (flagged at some request)", $">= {threshold * 100:0} %",
            Populations.TryGetValue(population, out var g) ? g.EverFlaggedShare : 0, Higher: true, threshold, Percent: true);

    private static GroupStats Group(SortedDictionary<string, GroupStats> groups, string name)
    {
        if (!groups.TryGetValue(name, out var g))
        {
            groups[name] = g = new GroupStats(name);
        }

        return g;
    }
}
