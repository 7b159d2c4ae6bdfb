using Microsoft.Extensions.Options;

namespace AntiDistill;

/// <summary>Validates the attributes on <see cref="AntiDistillationOptions"/> and its members at start-up (source-generated).</summary>
[OptionsValidator]
internal sealed partial class AntiDistillationOptionsValidator : IValidateOptions<AntiDistillationOptions>
{
}

/// <summary>Rules that span several fields, which attributes cannot state.</summary>
internal sealed class AntiDistillationOptionsCrossValidator : IValidateOptions<AntiDistillationOptions>
{
    public ValidateOptionsResult Validate(string? name, AntiDistillationOptions options)
    {
        var failures = new List<string>();
        if (options.Risk.SuspiciousThreshold > options.Risk.CampaignThreshold)
        {
            failures.Add($"Risk.SuspiciousThreshold ({options.Risk.SuspiciousThreshold}) must not exceed Risk.CampaignThreshold ({options.Risk.CampaignThreshold}).");
        }

        if (options.Accounts.IdleTimeout <= TimeSpan.Zero)
        {
            failures.Add($"Accounts.IdleTimeout ({options.Accounts.IdleTimeout}) must be positive.");
        }

        var linkage = options.Linkage;
        if (linkage.TemplateCohortAccounts > linkage.IndexDepth)
        {
            failures.Add($"Linkage.TemplateCohortAccounts ({linkage.TemplateCohortAccounts}) must be at most Linkage.IndexDepth ({linkage.IndexDepth}): repeats are counted among the accounts the index remembers.");
        }

        if (linkage.HubCap < linkage.HubThreshold)
        {
            failures.Add($"Linkage.HubCap ({linkage.HubCap}) must be at least Linkage.HubThreshold ({linkage.HubThreshold}).");
        }

        foreach (var kind in Enum.GetValues<LinkKind>())
        {
            if (linkage.Rule(kind).Window <= TimeSpan.Zero)
            {
                failures.Add($"Linkage.{kind}.Window must be positive.");
            }
        }

        if (linkage.SynchronyBucket <= TimeSpan.Zero || linkage.EvidenceHalfLife <= TimeSpan.Zero)
        {
            failures.Add("Linkage.SynchronyBucket and Linkage.EvidenceHalfLife must be positive.");
        }

        if (options.IdentityKey is { } key && (!IsBase64(key, out int bytes) || bytes < 16))
        {
            failures.Add("IdentityKey must be base64 of at least 16 bytes.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsBase64(string key, out int bytes)
    {
        Span<byte> buffer = stackalloc byte[Math.Min(1024, key.Length)];
        bool ok = Convert.TryFromBase64String(key, buffer, out bytes);
        return ok;
    }
}
