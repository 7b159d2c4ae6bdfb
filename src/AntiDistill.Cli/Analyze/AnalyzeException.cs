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

    /// <summary>The gzip archive is cut or corrupt: records past the damage are lost (a report of the rest is written unless --strict).</summary>
    public const int Damaged = 4;

    /// <summary>Not one valid record: nothing was analyzed, so an empty report must not pass for a clean one.</summary>
    public const int NoRecords = 5;
    public const int Canceled = 130;
}
