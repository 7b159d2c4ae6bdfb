using System.CommandLine;

namespace AntiDistill.Cli.Analyze;

/// <summary><c>antidistill analyze LOG --out report.json</c>.</summary>
internal static class AnalyzeCommand
{
    public static Command Create() => new("analyze", "Replay a request log (request-log v1) through the engine and write a report (report v1).");
}
