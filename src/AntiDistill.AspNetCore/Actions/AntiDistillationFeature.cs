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

    public string ActionName { get; internal set; } = "allow";

    public bool Shadow { get; } = shadow;

    // What was served, as counts rather than a ServedExchange? (whose account and timestamp would repeat what the
    // assessment holds): the feature is allocated for every scored request, and this keeps it ~40 bytes smaller.
    private int _status;
    private int _input;
    private int _output;
    private int _reasoning;
    private int _withheld;
    private long _reportedUsage = -1; // -1: none; a long? would take 16 bytes
    private bool _served;
    private bool _reportedDetail;

    public bool WithholdsReasoning { get; internal set; }

    /// <summary>The request's <see cref="Observation.Conversation"/>: the served half is counted in its own conversation when several are in flight on one account.</summary>
    internal ulong Conversation { get; set; }

    /// <summary>The request's capture record until the exchange ends and it is queued (null when capture is off or dropped it).</summary>
    internal CaptureRecord? Capture { get; set; }

    public ServedExchange? Served => _served
        ? new ServedExchange
        {
            Account = _assessment.Account,
            Conversation = Conversation,
            Status = _status,
            InputTokens = _input,
            OutputTokens = _output,
            ReasoningTokens = _reasoning,
            ReasoningTokensWithheld = _withheld,
        }
        : null;

    public ResponseReadStatus ResponseStatus { get; internal set; }

    public long? ReportedUsage => _reportedUsage >= 0 ? _reportedUsage : null;

    public void ReportUsage(long totalTokens) => _reportedUsage = Math.Max(0, totalTokens);

    // The endpoint's counts go straight where the served counts live (Served reads them once SetServed marks the
    // exchange served): three more fields would grow every scored request's feature.
    public void ReportUsage(int inputTokens, int outputTokens, int reasoningTokens)
    {
        _input = Math.Max(0, inputTokens);
        _output = Math.Max(0, outputTokens);
        _reasoning = Math.Max(0, reasoningTokens);
        _reportedDetail = true;
        _reportedUsage = (long)_input + _output;
    }

    /// <summary>Records what the response served (the endpoint's detailed report wins over what was read) and returns it.</summary>
    internal ServedExchange SetServed(int status, in ServedScan scan)
    {
        _status = status;
        if (!_reportedDetail)
        {
            (_input, _output, _reasoning) = (scan.InputTokens, scan.OutputTokens, scan.ReasoningTokens);
        }

        _withheld = scan.ReasoningTokensWithheld;
        _served = true;
        return Served!.Value;
    }
}
