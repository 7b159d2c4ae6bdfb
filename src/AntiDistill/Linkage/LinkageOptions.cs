using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AntiDistill;

/// <summary>How much one kind of shared attribute counts, and for how long.</summary>
public sealed class LinkRule
{
    /// <summary>Evidence one shared value adds to a pair of accounts; a pair links at <see cref="LinkageOptions.LinkThreshold"/>.</summary>
    [Range(0.0, 10.0)]
    public double Weight { get; set; }

    /// <summary>Two accounts share a value only if both used it within this window of each other.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Whether this evidence counts only between two accounts that are each already suspicious on their own.
    /// Soft and content evidence corroborates, it never accuses: otherwise a proxy reseller's or a NAT's
    /// innocent users would inherit a harvester's verdict, and a new value cannot yet be told from a hub.
    /// </summary>
    public bool RequiresSuspicion { get; set; } = true;

    /// <summary>Whether hub damping is waived between two accounts that are each already suspicious (content and client kinds).</summary>
    public bool LinkSuspiciousAcrossHubs { get; set; }
}

/// <summary>Account linkage: which shared attributes join accounts into clusters, and how hubs are kept from doing so.</summary>
/// <remarks>
/// Hard evidence (a card, a device) links any two accounts: a team sharing a card becomes one cluster, judged
/// by what it does together. Soft and content evidence (network, client software, e-mail domain, signup burst,
/// system prompt, prompt frame) links only accounts that are each suspicious already, and values shared by
/// many accounts (hubs) count less, or, past <see cref="HubCap"/>, not at all.
/// </remarks>
public sealed class LinkageOptions
{
    /// <summary>Whether accounts are linked into clusters at all. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Evidence at which two accounts join one cluster. Default 1.0: one hard link, or several soft ones.</summary>
    [Range(0.01, 100.0)]
    public double LinkThreshold { get; set; } = 1.0;

    /// <summary>
    /// Distinct accounts on one value above which the value is a hub (a NAT, a popular agent's system prompt):
    /// its evidence is scaled by this number over the distinct count. Default 20.
    /// </summary>
    [Range(1, 1_000_000)]
    public int HubThreshold { get; set; } = 20;

    /// <summary>Distinct accounts on one value above which it links nobody (except suspicious pairs where the rule allows). Default 500.</summary>
    [Range(1, 10_000_000)]
    public int HubCap { get; set; } = 500;

    /// <summary>
    /// Members, each suspicious on its own evidence and together at least half of the cluster, from which a cluster is
    /// rated a campaign whatever its summed activity says. Default 25; 0 turns the rule off.
    /// </summary>
    /// <remarks>
    /// A cluster's risk comes from its members' summed activity, which their cover traffic dilutes: a few hundred linked
    /// accounts that each look like a harvester would otherwise stay <see cref="Verdict.Suspicious"/> for good. Organic
    /// accounts are rarely suspicious (under 1% in the quality benchmark) and hubs keep them from linking, so 25 of them
    /// in one cluster is not a thing that happens to people; it is what one operator's accounts look like.
    /// </remarks>
    [Range(0, 1_000_000)]
    public int CampaignMembers { get; set; } = 25;

    /// <summary>
    /// Accounts that must each have sent one prompt frame (the same opening or closing words around varying items)
    /// at least <see cref="TemplateCohortRepeats"/> times before the frame's traffic is judged as one campaign's.
    /// Default 5. See <see cref="TemplateCohortRepeats"/>.
    /// </summary>
    [Range(2, 1_000_000)]
    public int TemplateCohortAccounts { get; set; } = 5;

    /// <summary>
    /// Times an account must use a prompt frame to count as a user of it as a template (once is a common phrase). Default 3.
    /// </summary>
    /// <remarks>
    /// A low-and-slow campaign hides each account's sweep among cover conversations, so no account looks like a
    /// harvester on its own; what gives it away is one template repeated by many accounts. When enough accounts
    /// each repeat a frame, the requests carrying that frame are scored together by the risk model, and if that
    /// traffic alone is suspicious (a sweep, not a shared agent's loop or an evaluator's short-budget run) every
    /// repeating account joins one cluster judged at least at that risk. Users who sent the frame fewer times
    /// are never pulled in.
    /// </remarks>
    [Range(2, 1_000_000)]
    public int TemplateCohortRepeats { get; set; } = 3;

    /// <summary>
    /// Least share of an account's own requests that must carry a frame for it to join the frame's cohort. Default 0.1:
    /// a power user who now and then pastes items of a public benchmark that harvesters also sweep is not pulled in.
    /// </summary>
    [Range(0.0, 1.0)]
    public double TemplateCohortShare { get; set; } = 0.1;

    /// <summary>Accounts remembered per attribute value (the most recent ones); bounds the index and the work per request. Default 32.</summary>
    [Range(2, 1024)]
    public int IndexDepth { get; set; } = 32;

    /// <summary>Pair evidence halves after this long without new evidence. Default 7 days.</summary>
    public TimeSpan EvidenceHalfLife { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Requests waiting for the linker (rounded up to a power of two); beyond this they are counted and dropped from linkage (never from scoring). Default 65,536.</summary>
    [Range(16, 10_000_000)]
    public int QueueCapacity { get; set; } = 65_536;

    /// <summary>Most accounts in the linkage graph; later accounts are scored alone. Default 1,000,000.</summary>
    [Range(1, 100_000_000)]
    public int MaxAccounts { get; set; } = 1_000_000;

    /// <summary>Most attribute values indexed; the oldest are forgotten beyond it. Default 4,000,000.</summary>
    [Range(16, 100_000_000)]
    public int MaxIndexedValues { get; set; } = 4_000_000;

    /// <summary>Same payment instrument. Default weight 1.0 (links alone, suspicious or not), window 90 days.</summary>
    [ValidateObjectMembers]
    public LinkRule Payment { get; set; } = new() { Weight = 1.0, Window = TimeSpan.FromDays(90), RequiresSuspicion = false };

    /// <summary>Same device. Default weight 1.0 (links alone, suspicious or not), window 30 days.</summary>
    [ValidateObjectMembers]
    public LinkRule Device { get; set; } = new() { Weight = 1.0, RequiresSuspicion = false };

    /// <summary>Same network prefix. Default weight 0.35, window 1 hour (addresses are reassigned).</summary>
    [ValidateObjectMembers]
    public LinkRule Network { get; set; } = new() { Weight = 0.35, Window = TimeSpan.FromHours(1) };

    /// <summary>Same client software. Default weight 0.5, window 1 day, waived hub damping between suspicious accounts.</summary>
    [ValidateObjectMembers]
    public LinkRule Client { get; set; } = new() { Weight = 0.5, Window = TimeSpan.FromDays(1), LinkSuspiciousAcrossHubs = true };

    /// <summary>Same e-mail domain. Default weight 0.3 (hub damping keeps big providers out).</summary>
    [ValidateObjectMembers]
    public LinkRule EmailDomain { get; set; } = new() { Weight = 0.3 };

    /// <summary>Signed up within the same window. Default weight 0.3, window 10 minutes.</summary>
    [ValidateObjectMembers]
    public LinkRule SignupBurst { get; set; } = new() { Weight = 0.3, Window = TimeSpan.FromMinutes(10) };

    /// <summary>Same system prompt. Default weight 0.4, waived hub damping between suspicious accounts.</summary>
    [ValidateObjectMembers]
    public LinkRule SystemPrompt { get; set; } = new() { Weight = 0.4, Window = TimeSpan.FromDays(7), LinkSuspiciousAcrossHubs = true };

    /// <summary>Same prompt frame. Default weight 0.5, waived hub damping between suspicious accounts.</summary>
    [ValidateObjectMembers]
    public LinkRule PromptFrame { get; set; } = new() { Weight = 0.5, Window = TimeSpan.FromDays(7), LinkSuspiciousAcrossHubs = true };

    /// <summary>Overlapping prompt sets (LSH over content profiles). Default weight 0.5, waived hub damping between suspicious accounts.</summary>
    [ValidateObjectMembers]
    public LinkRule ContentProfile { get; set; } = new() { Weight = 0.5, Window = TimeSpan.FromDays(7), LinkSuspiciousAcrossHubs = true };

    /// <summary>
    /// Active in the same time buckets: counts once a pair shared at least five buckets and the Jaccard similarity
    /// of their active buckets reaches one half (SynchroTrap). Default weight 0.5, window 2 minutes.
    /// </summary>
    [ValidateObjectMembers]
    public LinkRule Synchrony { get; set; } = new() { Weight = 0.5, Window = TimeSpan.FromMinutes(2) };

    /// <summary>Same steady request period. Default weight 0.3, window 1 day.</summary>
    [ValidateObjectMembers]
    public LinkRule Cadence { get; set; } = new() { Weight = 0.3, Window = TimeSpan.FromDays(1) };

    /// <summary>
    /// Same scheduled day (<see cref="LinkKind.Schedule"/>). Default weight 1.0 (alone it links: quiet operators share
    /// nothing else), window 2 days, only between accounts each suspicious, across hubs: a dozen two-hour buckets are hubs
    /// for everyone, and the suspicion on both sides is what makes one meaningful.
    /// </summary>
    [ValidateObjectMembers]
    public LinkRule Schedule { get; set; } = new() { Weight = 1.0, Window = TimeSpan.FromDays(2), LinkSuspiciousAcrossHubs = true };

    /// <summary>Width of the time buckets synchrony is counted in. Default 1 minute.</summary>
    public TimeSpan SynchronyBucket { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The rule for one kind.</summary>
    public LinkRule Rule(LinkKind kind) => kind switch
    {
        LinkKind.Payment => Payment,
        LinkKind.Device => Device,
        LinkKind.Network => Network,
        LinkKind.Client => Client,
        LinkKind.EmailDomain => EmailDomain,
        LinkKind.SignupBurst => SignupBurst,
        LinkKind.SystemPrompt => SystemPrompt,
        LinkKind.PromptFrame => PromptFrame,
        LinkKind.ContentProfile => ContentProfile,
        LinkKind.Synchrony => Synchrony,
        LinkKind.Cadence => Cadence,
        LinkKind.Schedule => Schedule,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
