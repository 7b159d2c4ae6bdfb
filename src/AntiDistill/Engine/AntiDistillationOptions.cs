using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AntiDistill;

/// <summary>Options of the AntiDistill engine, bound from the <c>AntiDistillation</c> configuration section.</summary>
public sealed class AntiDistillationOptions
{
    /// <summary>The configuration section these options bind from by default.</summary>
    public const string SectionName = "AntiDistillation";

    /// <summary>
    /// The secret that keys identity hashes (base64, at least 16 bytes). Hosts that share state or compare
    /// reports must share it. Default null: a random key per process, fine for one node, useless across restarts.
    /// </summary>
    [Base64String]
    public string? IdentityKey { get; set; }

    /// <summary>The risk model.</summary>
    [ValidateObjectMembers]
    public RiskModelOptions Risk { get; set; } = new();

    /// <summary>Account linkage into clusters.</summary>
    [ValidateObjectMembers]
    public LinkageOptions Linkage { get; set; } = new();

    /// <summary>The account store.</summary>
    [ValidateObjectMembers]
    public AccountStoreOptions Accounts { get; set; } = new();

    /// <summary>Sharing account state with other nodes (off unless a store such as AntiDistill.Redis turns it on).</summary>
    [ValidateObjectMembers]
    public ReplicationOptions Replication { get; set; } = new();
}
