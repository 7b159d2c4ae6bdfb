using System.Diagnostics;
using System.Globalization;

namespace AntiDistill.Cli.Analyze;

/// <summary>
/// Standard error during a run: messages (bad lines) and, on a terminal only, a progress bar redrawn in
/// place a few times a second. Messages first clear the bar so the two never interleave.
/// </summary>
internal sealed class StatusLine : IDisposable
{
    private const int BarWidth = 24;
    private readonly TextWriter _error;
    private readonly Lock _lock = new();
    private readonly Timer? _timer;
    private readonly Func<(long InputBytes, long Records)>? _progress;
    private readonly long _totalBytes;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _drawn;

    /// <param name="error">Standard error.</param>
    /// <param name="progress">Reads the bytes consumed and records replayed so far; null for no bar.</param>
    /// <param name="totalBytes">Size of the input, for the percentage.</param>
    public StatusLine(TextWriter error, Func<(long InputBytes, long Records)>? progress, long totalBytes)
    {
        _error = error;
        _progress = progress;
        _totalBytes = Math.Max(1, totalBytes);
        if (progress is not null)
        {
            _timer = new Timer(static state => ((StatusLine)state!).Draw(), this, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(250));
        }
    }

    public void WriteLine(string message)
    {
        lock (_lock)
        {
            Clear();
            _error.WriteLine(message);
        }
    }

    public void Dispose()
    {
        _timer?.Dispose();
        lock (_lock)
        {
            Clear();
            _error.Flush();
        }
    }

    private void Draw()
    {
        var (bytes, records) = _progress!();
        double seconds = Math.Max(0.001, _clock.Elapsed.TotalSeconds);
        double share = Math.Clamp((double)bytes / _totalBytes, 0, 1);
        int filled = (int)(share * BarWidth);
        string bar = string.Create(CultureInfo.InvariantCulture,
            $"[{new string('#', filled)}{new string('.', BarWidth - filled)}] {share,4:P0}  {Megabytes(bytes)} of {Megabytes(_totalBytes)}  {bytes / seconds / 1e6:N0} MB/s  {records / seconds:N0} records/s");
        lock (_lock)
        {
            _error.Write('\r');
            _error.Write(bar.PadRight(_drawn));
            _error.Flush();
            _drawn = bar.Length;
        }
    }

    private void Clear()
    {
        if (_drawn > 0)
        {
            _error.Write('\r');
            _error.Write(new string(' ', _drawn));
            _error.Write('\r');
            _drawn = 0;
        }
    }

    private static string Megabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:N1} MB");
}
