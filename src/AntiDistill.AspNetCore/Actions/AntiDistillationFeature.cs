using AntiDistill.Requests;

namespace AntiDistill.AspNetCore;

/// <remarks>
/// The middleware has the engine write the assessment straight into <see cref="Scored"/> (about 240 bytes) and reads
/// it there by reference, instead of passing copies of it from the engine to the feature.
/// </remarks>
internal sealed class AntiDistillationFeature(string policy, RequestReadStatus bodyStatus, RequestFormat format, bool shadow, bool scored) : IAntiDistillationFeature
{
    private Assessment _assessment;

    public string Policy { get; } = policy;

    public RequestReadStatus BodyStatus { get; } = bodyStatus;

    public RequestFormat Format { get; } = format;

    public Assessment? Assessment => scored ? _assessment : null;

    public bool IsScored => scored;

    /// <summary>The assessment in place: written once by the middleware before the feature is published, read-only after.</summary>
    internal ref Assessment Scored => ref _assessment;

    public AntiDistillationAction Action { get; internal set; }

    public bool Shadow { get; } = shadow;

    public bool WithholdsReasoning { get; internal set; }

    public ServedExchange? Served { get; internal set; }

    public ResponseReadStatus ResponseStatus { get; internal set; }

    public long? ReportedUsage { get; private set; }

    /// <summary>The detailed report, when the endpoint made one: input, output and reasoning tokens.</summary>
    internal (int Input, int Output, int Reasoning)? ReportedServed { get; private set; }

    public void ReportUsage(long totalTokens) => ReportedUsage = Math.Max(0, totalTokens);

    public void ReportUsage(int inputTokens, int outputTokens, int reasoningTokens)
    {
        ReportedServed = (Math.Max(0, inputTokens), Math.Max(0, outputTokens), Math.Max(0, reasoningTokens));
        ReportedUsage = (long)ReportedServed.Value.Input + ReportedServed.Value.Output;
    }
}
