namespace AntiDistill.Cli.Analyze;

/// <summary>A failure the user can act on: printed as one line, no stack trace, with its own exit code.</summary>
internal sealed class AnalyzeException(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>Exit codes of <c>antidistill analyze</c> (1 is System.CommandLine's, for usage errors).</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Usage = 1;
    public const int Input = 2;
    public const int BadLine = 3;
    public const int Canceled = 130;
}
