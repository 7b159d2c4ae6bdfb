namespace AntiDistill;

/// <summary>
/// The accounts that each repeat one prompt frame, and the traffic that carried it: a low-and-slow campaign's
/// sweep, separated from the cover conversations its accounts hide it among, so it can be scored on its own.
/// </summary>
internal sealed class TemplateCohort
{
    /// <summary>Counters over the requests that carried the frame from accounts already repeating it.</summary>
    public ActivityCounters Activity;

    /// <summary>Accounts that reached the repeat count.</summary>
    public int Accounts { get; set; }

    /// <summary>How many accounts had reached the repeat count when the cohort was last scored.</summary>
    public int ScoredAccounts { get; set; }

    /// <summary>The first account pulled in (0 until one is); the others join its cluster.</summary>
    public int Anchor { get; set; }

    /// <summary>The frame traffic's risk when last scored (0 until the cohort is large enough).</summary>
    public float Risk { get; set; }
}
