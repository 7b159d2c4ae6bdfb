using Microsoft.Extensions.Options;

namespace AntiDistill.RateLimiting;

/// <summary>Validates the attributes on <see cref="RiskRateLimiterOptions"/> and its members at start-up (source-generated).</summary>
[OptionsValidator]
internal sealed partial class RiskRateLimiterOptionsValidator : IValidateOptions<RiskRateLimiterOptions>
{
}
