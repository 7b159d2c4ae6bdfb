using System.ComponentModel.DataAnnotations;

namespace AntiDistill.AspNetCore;

/// <summary>A band of a policy: requests whose risk is at least <see cref="MinRisk"/> get <see cref="Action"/> (the highest matching band wins).</summary>
public sealed class RiskBand
{
    /// <summary>The lowest risk (inclusive, in [0, 1]) the band covers. Default 0.5, the engine's default suspicious threshold.</summary>
    [Range(0.0, 1.0)]
    public double MinRisk { get; set; } = 0.5;

    /// <summary>The action for requests in the band (unless <see cref="Handler"/> names one). Default <see cref="AntiDistillationAction.Annotate"/>.</summary>
    public AntiDistillationAction Action { get; set; } = AntiDistillationAction.Annotate;

    /// <summary>
    /// The name of the action handler for requests in the band, which wins over <see cref="Action"/>: a handler the host
    /// registered with <c>AddActionHandler</c> (e.g. <c>"tarpit"</c>), or a built-in action's name (<c>"Block"</c>;
    /// case-insensitive). Default null: <see cref="Action"/>. A name nobody registered fails validation at start and on reload.
    /// </summary>
    public string? Handler { get; set; }

    /// <summary>
    /// Whether requests in the band (or any riskier band) get their reasoning withheld: reasoning text blanked from
    /// OpenAI-compatible chat and Responses output (JSON and streamed), thinking turned off in Anthropic requests.
    /// Default false. See <c>docs/served-side.md</c>.
    /// </summary>
    public bool WithholdReasoning { get; set; }
}
