using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AntiDistill.AspNetCore;

/// <summary>
/// A named policy: which action each risk band gets, and how bodies that cannot be scored are treated.
/// Configured under <c>AntiDistillation:Http:Policies:{name}</c> and reloadable.
/// </summary>
public sealed class AntiDistillationPolicy
{
    /// <summary>
    /// Observe only: the bands are evaluated, and the action they would take is logged and counted
    /// (tag <c>antidistill.shadow=true</c>), but never applied. Default true, the safe first rollout.
    /// </summary>
    public bool Shadow { get; set; } = true;

    /// <summary>Risk bands, in any order; a request gets the action of the highest band its risk reaches. Default empty: allow everything.</summary>
    [ValidateEnumeratedItems]
    public IList<RiskBand> Bands { get; set; } = [];

    /// <summary>What to do with a body that is not JSON, too large or of an unknown shape. Default <see cref="BadBodyHandling.Allow"/>.</summary>
    public BadBodyHandling BadBody { get; set; } = BadBodyHandling.Allow;

    /// <summary>
    /// What to do with a request that carries no credential. Default null: <see cref="MissingCredentialHandling.Reject"/>
    /// when the policy enforces, <see cref="MissingCredentialHandling.ScoreByNetwork"/> in shadow mode (where nothing is
    /// refused anyway). Either way an anonymous request can no longer walk past scoring.
    /// </summary>
    public MissingCredentialHandling? MissingCredential { get; set; }

    /// <summary>What to do with a request whose two API-key credentials disagree. Default <see cref="CredentialConflictHandling.Reject"/> (shadow mode only counts and scores it).</summary>
    public CredentialConflictHandling ConflictingCredentials { get; set; } = CredentialConflictHandling.Reject;

    /// <summary>Whether <see cref="AntiDistillationAction.Annotate"/> also puts the headers on the response (default false: risk is for the upstream, not the caller).</summary>
    public bool ResponseHeaders { get; set; }

    /// <summary>The output budget <see cref="AntiDistillationAction.Degrade"/> caps requests to, in tokens. Default 1024.</summary>
    [Range(1, int.MaxValue)]
    public int DegradedMaxOutputTokens { get; set; } = 1024;

    /// <summary>Whether <see cref="AntiDistillationAction.Degrade"/> removes requested reasoning (<c>reasoning_effort</c>, <c>reasoning</c>, <c>thinking</c>). Default true.</summary>
    public bool DegradeRemovesReasoning { get; set; } = true;

    /// <summary>The <c>Retry-After</c> sent with a throttled request when the limiter gives none. Default 60 seconds.</summary>
    // Range (1 s to 1 day) checked by the cross validator: a TimeSpan [Range] is not trimming-safe.
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Where <see cref="AntiDistillationAction.Challenge"/> sends the caller to verify the account (the <c>verification_url</c> of the problem). Default null.</summary>
    public Uri? VerificationUrl { get; set; }

    /// <summary>How refusals are written: RFC 9457 problem details (the default), or the error shape of the caller's API.</summary>
    public RejectionFormat RejectionFormat { get; set; } = RejectionFormat.ProblemDetails;

    /// <summary>The effective <see cref="MissingCredential"/> handling.</summary>
    internal MissingCredentialHandling MissingCredentialOrDefault =>
        MissingCredential ?? (Shadow ? MissingCredentialHandling.ScoreByNetwork : MissingCredentialHandling.Reject);

    /// <summary>
    /// The action for a request of the given risk, before <see cref="Shadow"/> is applied: the highest reached band's
    /// <see cref="RiskBand.Action"/>, or the action its <see cref="RiskBand.Handler"/> names (<see cref="AntiDistillationAction.Custom"/>
    /// for a host's handler).
    /// </summary>
    public AntiDistillationAction ActionFor(double risk)
    {
        int band = BandFor(risk);
        if (band < 0)
        {
            return AntiDistillationAction.Allow;
        }

        var reached = Bands[band];
        return reached.Handler is not { } name ? reached.Action
            : ActionHandlers.IsReserved(name, out var action) ? action
            : AntiDistillationAction.Custom;
    }

    /// <summary>The bands bound to their handlers, by the middleware's <see cref="ActionHandlers"/> on first use of this instance.</summary>
    /// <remarks>A field: the configuration binder's generator walks properties, and this is not configuration.</remarks>
    internal ResolvedBands? ResolvedBands;

    /// <summary>The index in <see cref="Bands"/> of the highest band <paramref name="risk"/> reaches (the last of equals), or -1.</summary>
    internal int BandFor(double risk)
    {
        int found = -1;
        double best = double.NegativeInfinity;
        // Indexed, not foreach: an IList enumerator would be boxed on every request.
        for (int i = 0; i < Bands.Count; i++)
        {
            var band = Bands[i];
            if (risk >= band.MinRisk && band.MinRisk >= best)
            {
                best = band.MinRisk;
                found = i;
            }
        }

        return found;
    }

    /// <summary>
    /// Whether a request of the given risk gets its reasoning withheld (before <see cref="Shadow"/> is applied): when any
    /// band it reaches says <see cref="RiskBand.WithholdReasoning"/>, so a riskier request never gets more reasoning than
    /// a less risky one, whichever action its own band takes.
    /// </summary>
    public bool WithholdsReasoning(double risk)
    {
        for (int i = 0; i < Bands.Count; i++)
        {
            var band = Bands[i];
            if (band.WithholdReasoning && risk >= band.MinRisk)
            {
                return true;
            }
        }

        return false;
    }
}
