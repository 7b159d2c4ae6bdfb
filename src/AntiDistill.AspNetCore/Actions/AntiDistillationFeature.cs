using AntiDistill.Requests;

namespace AntiDistill.AspNetCore;

internal sealed class AntiDistillationFeature(string policy, RequestReadStatus bodyStatus, RequestFormat format, in Assessment assessment,
    AntiDistillationAction action, bool shadow) : IAntiDistillationFeature
{
    private readonly Assessment _assessment = assessment;

    public string Policy { get; } = policy;

    public RequestReadStatus BodyStatus { get; } = bodyStatus;

    public RequestFormat Format { get; } = format;

    public Assessment Assessment => _assessment;

    public AntiDistillationAction Action { get; } = action;

    public bool Shadow { get; } = shadow;

    public long? ReportedUsage { get; private set; }

    public void ReportUsage(long totalTokens) => ReportedUsage = Math.Max(0, totalTokens);
}
