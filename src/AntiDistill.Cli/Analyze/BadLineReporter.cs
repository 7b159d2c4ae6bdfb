using System.Globalization;

namespace AntiDistill.Cli.Analyze;

/// <summary>Counts bad lines, shows the first few in full on standard error, and under <c>--strict</c> stops at the first.</summary>
internal sealed class BadLineReporter(StatusLine status, bool strict, int shown = 10)
{
    public long Count { get; private set; }

    /// <exception cref="AnalyzeException">Under <c>--strict</c>.</exception>
    public void Report(long line, string reason)
    {
        Count++;
        string text = string.Create(CultureInfo.InvariantCulture, $"line {line}: {reason}");
        if (strict)
        {
            throw new AnalyzeException(text + " (--strict stops at the first bad line)", ExitCodes.BadLine);
        }

        if (Count <= shown)
        {
            status.WriteLine("warning: skipped " + text);
        }
    }

    /// <summary>The count of the bad lines not shown.</summary>
    public void Finish()
    {
        if (Count > shown)
        {
            status.WriteLine(string.Create(CultureInfo.InvariantCulture, $"warning: skipped {Count - shown:N0} more bad lines ({Count:N0} in all)"));
        }
    }
}
