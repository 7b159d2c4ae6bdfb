using System.Globalization;

namespace AntiDistill;

/// <summary>A cluster of linked accounts. Ids are stable as a cluster grows; when two merge, the larger keeps its id.</summary>
/// <param name="Value">The id; 0 means "no cluster".</param>
public readonly record struct ClusterId(int Value)
{
    /// <summary>No cluster: the account is linked to no other.</summary>
    public static ClusterId None => default;

    /// <summary>Whether this is a real cluster.</summary>
    public bool IsValid => Value != 0;

    /// <summary>The report form, e.g. <c>c-0007</c>; empty for <see cref="None"/>.</summary>
    public override string ToString() => Value == 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"c-{Value:D4}");
}
