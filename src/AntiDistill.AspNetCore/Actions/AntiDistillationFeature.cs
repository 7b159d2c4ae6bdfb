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

    // What was served, as counts rather than a ServedExchange? (whose account and timestamp would repeat what the
    // assessment holds): the feature is allocated for every scored request, and this keeps it ~40 bytes smaller.
    private int _status;
    private int _input;
    private int _output;
    private int _reasoning;
    private int _withheld;
    private int _reportedInput;
    private int _reportedOutput;
    private int _reportedReasoning;
    private bool _served;
    private bool _reportedDetail;

    public bool WithholdsReasoning { get; internal set; }

    /// <summary>The request's capture record until the exchange ends and it is queued (null when capture is off or dropped it).</summary>
    internal CaptureRecord? Capture { get; set; }

    public ServedExchange? Served => _served
        ? new ServedExchange
        {
            Account = _assessment.Account,
            Status = _status,
            InputTokens = _input,
            OutputTokens = _output,
            ReasoningTokens = _reasoning,
            ReasoningTokensWithheld = _withheld,
        }
        : null;

    public ResponseReadStatus ResponseStatus { get; internal set; }

    public long? ReportedUsage { get; private set; }

    public void ReportUsage(long totalTokens) => ReportedUsage = Math.Max(0, totalTokens);

    public void ReportUsage(int inputTokens, int outputTokens, int reasoningTokens)
    {
        _reportedInput = Math.Max(0, inputTokens);
        _reportedOutput = Math.Max(0, outputTokens);
        _reportedReasoning = Math.Max(0, reasoningTokens);
        _reportedDetail = true;
        ReportedUsage = (long)_reportedInput + _reportedOutput;
    }

    /// <summary>Records what the response served (the endpoint's detailed report wins over what was read) and returns it.</summary>
    internal ServedExchange SetServed(int status, in ServedScan scan)
    {
        _status = status;
        (_input, _output, _reasoning) = _reportedDetail ? (_reportedInput, _reportedOutput, _reportedReasoning) : (scan.InputTokens, scan.OutputTokens, scan.ReasoningTokens);
        _withheld = scan.ReasoningTokensWithheld;
        _served = true;
        return Served!.Value;
    }
}
