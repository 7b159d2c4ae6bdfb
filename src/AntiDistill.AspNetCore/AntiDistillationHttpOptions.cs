using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AntiDistill.AspNetCore;

/// <summary>
/// Options of the ASP.NET Core middleware, bound from <c>AntiDistillation:Http</c> by default and
/// reloadable: policies and limits changed in configuration apply to the next request.
/// </summary>
public sealed class AntiDistillationHttpOptions
{
    /// <summary>The configuration section these options bind from by default.</summary>
    public const string SectionName = "AntiDistillation:Http";

    /// <summary>The name of the implicit policy (shadow mode, no bands) used when <see cref="Policies"/> does not define it.</summary>
    public const string DefaultPolicyName = "default";

    /// <summary>The policy for endpoints without <c>RequireAntiDistillation</c> metadata. Default <c>default</c>.</summary>
    [Required]
    public string DefaultPolicy { get; set; } = DefaultPolicyName;

    /// <summary>Named policies (names compare case-insensitively). Default empty: everything runs under an implicit shadow policy.</summary>
    public IDictionary<string, AntiDistillationPolicy> Policies { get; set; } =
        new Dictionary<string, AntiDistillationPolicy>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Whether requests to endpoints without metadata are scored under <see cref="DefaultPolicy"/> when they
    /// are POSTs to a path a body format claims (<c>…/chat/completions</c>, <c>…/responses</c>, <c>…/messages</c>).
    /// Default true, so that two lines in Program.cs cover a standard API.
    /// </summary>
    public bool ScoreUnmarkedEndpoints { get; set; } = true;

    /// <summary>The largest body read and scored, in bytes; larger bodies are not read and count as too large. Default 4 MiB.</summary>
    [Range(1024, 256 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>The header carrying the API key (Anthropic style). Default <c>x-api-key</c>; null to ignore.</summary>
    public string? ApiKeyHeader { get; set; } = "x-api-key";

    /// <summary>Whether <c>Authorization: Bearer &lt;key&gt;</c> (OpenAI style) also carries the API key. Default true.</summary>
    public bool BearerApiKey { get; set; } = true;

    /// <summary>
    /// The claim that names the account of an authenticated caller, preferred over the API key. Default null:
    /// <c>sub</c>, then <see cref="System.Security.Claims.ClaimTypes.NameIdentifier"/>.
    /// </summary>
    public string? AccountClaim { get; set; }

    /// <summary>The header in which an edge proxy passes the TLS client fingerprint (JA3/JA4), e.g. <c>x-ja4</c>. Default null: none.</summary>
    public string? TlsFingerprintHeader { get; set; }

    /// <summary>How many account profiles (from <see cref="IAccountProfileProvider"/>) are cached. Default 100,000.</summary>
    [Range(1, 100_000_000)]
    public int ProfileCacheSize { get; set; } = 100_000;

    /// <summary>How long an account profile stays cached. Default 5 minutes.</summary>
    // Range checked by the cross validator: a TimeSpan [Range] is not trimming-safe.
    public TimeSpan ProfileCacheDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the background service links recent requests into clusters (off the request path). Default 250 ms.</summary>
    // Range checked by the cross validator: a TimeSpan [Range] is not trimming-safe.
    public TimeSpan LinkageInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often idle accounts are evicted from the engine. Default 1 minute.</summary>
    // Range checked by the cross validator: a TimeSpan [Range] is not trimming-safe.
    public TimeSpan EvictionInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Called before a request is refused (throttled, challenged, blocked or a bad body). The handler may
    /// change the problem or write its own response (the middleware then writes nothing). Default null.
    /// </summary>
    public Func<AntiDistillationRejectedContext, CancellationToken, ValueTask>? OnRejected { get; set; }
}

/// <summary>Validates the attributes of <see cref="AntiDistillationHttpOptions"/> (source-generated).</summary>
[OptionsValidator]
internal sealed partial class AntiDistillationHttpOptionsValidator : IValidateOptions<AntiDistillationHttpOptions>
{
}

/// <summary>Rules across fields and the policies (a dictionary, which the generated validator does not enumerate).</summary>
internal sealed class AntiDistillationHttpOptionsCrossValidator : IValidateOptions<AntiDistillationHttpOptions>
{
    private static readonly AntiDistillationPolicyValidator PolicyValidator = new();

    public ValidateOptionsResult Validate(string? name, AntiDistillationHttpOptions options)
    {
        var failures = new List<string>();
        if (!string.Equals(options.DefaultPolicy, AntiDistillationHttpOptions.DefaultPolicyName, StringComparison.OrdinalIgnoreCase)
            && !options.Policies.ContainsKey(options.DefaultPolicy))
        {
            failures.Add($"DefaultPolicy '{options.DefaultPolicy}' is not defined under Policies.");
        }

        Require(failures, "ProfileCacheDuration", options.ProfileCacheDuration, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        Require(failures, "LinkageInterval", options.LinkageInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1));
        Require(failures, "EvictionInterval", options.EvictionInterval, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        foreach (var (policyName, policy) in options.Policies)
        {
            if (string.IsNullOrWhiteSpace(policyName))
            {
                failures.Add("Policy names must not be empty.");
                continue;
            }

            if (policy is null)
            {
                failures.Add($"Policies:{policyName} is empty.");
                continue;
            }

            var result = PolicyValidator.Validate($"Policies:{policyName}", policy);
            if (result.Failed)
            {
                failures.AddRange(result.Failures.Select(f => $"Policies:{policyName}: {f}"));
            }

            Require(failures, $"Policies:{policyName}:RetryAfter", policy.RetryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
            if (policy.VerificationUrl is { IsAbsoluteUri: false })
            {
                failures.Add($"Policies:{policyName}:VerificationUrl must be an absolute URL.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Require(List<string> failures, string name, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{name} ({value}) must be between {min} and {max}.");
        }
    }
}

/// <summary>Validates the attributes of one policy and its bands (source-generated).</summary>
[OptionsValidator]
internal sealed partial class AntiDistillationPolicyValidator : IValidateOptions<AntiDistillationPolicy>
{
}
