namespace AntiDistill.Cli.Analyze;

/// <summary>The engine's clock during a replay: the log's time, never the wall clock, so reruns agree.</summary>
internal sealed class ReplayClock : TimeProvider
{
    public DateTimeOffset Now { get; set; } = DateTimeOffset.UnixEpoch;

    public override DateTimeOffset GetUtcNow() => Now;
}
