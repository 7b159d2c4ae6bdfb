using Microsoft.Extensions.Options;

namespace AntiDistill.AspNetCore;

/// <summary>The ranges of <see cref="RequestCaptureOptions"/> (generated from its attributes).</summary>
[OptionsValidator]
internal sealed partial class RequestCaptureOptionsRangeValidator : IValidateOptions<RequestCaptureOptions>;

/// <summary>Rules across fields and on intervals, which the attributes cannot say.</summary>
internal sealed class RequestCaptureOptionsValidator : IValidateOptions<RequestCaptureOptions>
{
    public ValidateOptionsResult Validate(string? name, RequestCaptureOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Directory))
        {
            errors.Add("Request capture: Directory is required.");
        }

        Check(errors, nameof(options.RotateEvery), options.RotateEvery, TimeSpan.FromMinutes(1), TimeSpan.FromDays(1), "1 minute and 1 day");
        Check(errors, nameof(options.Retention), options.Retention, TimeSpan.FromMinutes(1), TimeSpan.FromDays(3650), "1 minute and 3,650 days");
        Check(errors, nameof(options.FlushInterval), options.FlushInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10), "100 ms and 10 minutes");
        if (options.MaxTotalBytes < options.MaxFileBytes)
        {
            errors.Add("Request capture: MaxTotalBytes must be at least MaxFileBytes (the open file counts against the budget).");
        }

        if (options.MaxBodyBytes > options.MaxQueueBytes)
        {
            errors.Add("Request capture: MaxBodyBytes must not exceed MaxQueueBytes (such a body could never be queued).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Check(List<string> errors, string field, TimeSpan value, TimeSpan least, TimeSpan most, string range)
    {
        if (value < least || value > most)
        {
            errors.Add($"Request capture: {field} must be between {range}.");
        }
    }
}
