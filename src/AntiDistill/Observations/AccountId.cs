using System.Globalization;

namespace AntiDistill;

/// <summary>A customer account, identified by a keyed 64-bit hash of its id (see <see cref="IdentityHasher"/>).</summary>
/// <param name="Value">The keyed hash. 0 is reserved for "no account".</param>
public readonly record struct AccountId(ulong Value)
{
    /// <summary>Whether this is a real account (non-zero).</summary>
    public bool IsValid => Value != 0;

    /// <inheritdoc />
    public override string ToString() => Value.ToString("x16", CultureInfo.InvariantCulture);
}
