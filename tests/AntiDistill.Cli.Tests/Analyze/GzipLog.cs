using System.IO.Compression;
using System.Text;

namespace AntiDistill.Cli.Tests.Analyze;

/// <summary>Gzip logs as real exporters leave them: flushed in the middle, concatenated, cut or damaged.</summary>
internal static class GzipLog
{
    private static readonly DateTimeOffset T0 = new(2026, 4, 6, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Lines <paramref name="from"/> to <paramref name="to"/> (exclusive) of a log, one account per record.</summary>
    public static byte[] Lines(int from, int to) =>
        Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(from, to - from).Select(i => AnalyzeRun.Line("acct_" + i, T0.AddSeconds(i)) + "\n")));

    /// <summary>One gzip member of records [from, to), sync-flushed halfway (as a logger does); also where the flush ended.</summary>
    public static (byte[] Member, int FlushedAt) Member(int from, int to)
    {
        using var buffer = new MemoryStream();
        int flushedAt;
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            int half = from + ((to - from) / 2);
            gzip.Write(Lines(from, half));
            gzip.Flush();
            flushedAt = (int)buffer.Length;
            gzip.Write(Lines(half, to));
        }

        return (buffer.ToArray(), flushedAt);
    }
}
