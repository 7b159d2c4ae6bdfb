using System.CommandLine;

namespace AntiDistill.Cli.Simulate;

/// <summary><c>antidistill simulate --out log.jsonl</c>.</summary>
internal static class SimulateCommand
{
    public static Command Create() => new("simulate", "Write realistic simulated traffic in request-log v1, with a truth file (account -> population).");
}
