using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace AntiDistill.Benchmarks;

/// <summary>
/// Which types a loop allocates: the runtime's GC <c>AllocationTick</c> event (one sample per ~100 KB allocated,
/// with the type of the object that crossed the mark), counted per type. Enough to attribute a few hundred bytes
/// per call over millions of calls; used by <see cref="ProfileLoop"/> with <c>--allocations</c>.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, int> _samples = new();

    public IEnumerable<(string Type, int Samples)> Top(int count) =>
        _samples.OrderByDescending(p => p.Value).Take(count).Select(p => (p.Key, p.Value));

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) == true
            && eventData.PayloadNames is { } names && names.IndexOf("TypeName") is int i and >= 0)
        {
            _samples.AddOrUpdate(eventData.Payload![i] as string ?? "?", 1, (_, n) => n + 1);
        }
    }
}
