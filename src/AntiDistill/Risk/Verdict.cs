namespace AntiDistill;

/// <summary>What the engine concludes about an account.</summary>
public enum Verdict
{
    /// <summary>Looks like ordinary use, however heavy.</summary>
    Organic,

    /// <summary>Looks like harvesting; worth a reviewer's look or a softer action (throttle, degrade).</summary>
    Suspicious,

    /// <summary>Part of a distillation campaign with high confidence.</summary>
    Campaign,
}
