using System.Globalization;
using System.IO.Compression;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace AntiDistill.AspNetCore.Tests.Capture;

/// <summary>The capture directory on a fake clock: rotation by period and by size, gzip members, the disk budget and retention.</summary>
public sealed class CaptureFilesTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly CaptureFolder _folder = new();
    private readonly FakeTimeProvider _time = new(Start);

    public void Dispose() => _folder.Dispose();

    private CaptureFiles Files(Action<RequestCaptureOptions>? configure = null)
    {
        var options = new RequestCaptureOptions { Directory = _folder.Path, RotateEvery = TimeSpan.FromHours(1), FlushInterval = TimeSpan.FromSeconds(1) };
        configure?.Invoke(options);
        var files = new CaptureFiles(options, _time);
        files.Start();
        return files;
    }

    private static byte[] Line(int n, int padding = 0) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{{\"n\":{n},\"pad\":\"{RandomText(n, padding)}\"}}"));

    /// <summary>Incompressible text, so that sizes on disk grow with what is written.</summary>
    private static string RandomText(int seed, int length)
    {
        var random = new Random(seed);
        return new string([.. Enumerable.Range(0, length).Select(_ => (char)random.Next('a', 'z' + 1))]);
    }

    private static void Append(CaptureFiles files, int n, TimeSpan at, int padding = 0) => files.Append(Line(n, padding), (Start + at).ToUnixTimeMilliseconds());

    [Fact]
    public void Append_RecordInNextPeriod_ClosesFileAndStartsAnother()
    {
        using var files = Files();
        Append(files, 1, TimeSpan.FromMinutes(10));
        Append(files, 2, TimeSpan.FromMinutes(59));
        Append(files, 3, TimeSpan.FromMinutes(61));
        files.Close();

        var all = _folder.Files();
        Assert.Equal(2, all.Length);
        Assert.Equal(["{\"n\":1,\"pad\":\"\"}", "{\"n\":2,\"pad\":\"\"}"], CaptureFolder.ReadLines(all[0]));
        Assert.Equal(["{\"n\":3,\"pad\":\"\"}"], CaptureFolder.ReadLines(all[1]));
        Assert.StartsWith("capture-20260302T091000000Z-", Path.GetFileName(all[0]), StringComparison.Ordinal);
    }

    [Fact]
    public void Append_LinesLongerAndShorterThanTheLineBuffer_ReadBackWholeInOrder()
    {
        using var files = Files();
        Append(files, 1, TimeSpan.FromMinutes(1), padding: 10);
        Append(files, 2, TimeSpan.FromMinutes(2), padding: 40_000); // past the 16 KiB line buffer: written in two calls
        Append(files, 3, TimeSpan.FromMinutes(3), padding: (16 * 1024) - 17); // 16,383 bytes: with its line end it fills the buffer to the last byte
        Append(files, 4, TimeSpan.FromMinutes(4));
        files.Close();

        var lines = CaptureFolder.ReadLines(Assert.Single(_folder.Files())).ToList();
        Assert.Equal([1, 2, 3, 4], lines.Select(l => int.Parse(l[5..l.IndexOf(',', StringComparison.Ordinal)], CultureInfo.InvariantCulture)));
        Assert.Equal([10, 40_000, (16 * 1024) - 17, 0], lines.Select(l => l.Length - l.IndexOf("\"pad\":\"", StringComparison.Ordinal) - 9));
    }

    [Fact]
    public void Append_LateRecordOfEarlierPeriod_JoinsOpenFile()
    {
        using var files = Files();
        Append(files, 1, TimeSpan.FromMinutes(61));
        Append(files, 2, TimeSpan.FromMinutes(59)); // a long exchange that started before the hour and ended after it
        Append(files, 3, TimeSpan.FromMinutes(62));
        files.Close();

        Assert.Equal(["{\"n\":1,\"pad\":\"\"}", "{\"n\":2,\"pad\":\"\"}", "{\"n\":3,\"pad\":\"\"}"], CaptureFolder.ReadLines(Assert.Single(_folder.Files())));
    }

    [Fact]
    public void Tick_PeriodOverWithoutTraffic_ClosesOpenFile()
    {
        using var files = Files();
        Append(files, 1, TimeSpan.FromMinutes(5));
        Assert.Empty(_folder.Files());

        _time.SetUtcNow(Start + TimeSpan.FromMinutes(61));
        files.Tick();

        Assert.False(files.IsOpen);
        Assert.Single(_folder.Files());
    }

    [Fact]
    public void Append_PastMaxFileBytes_RotatesEveryFileNearTheLimit()
    {
        const int limit = 8192;
        using var files = Files(o => o.MaxFileBytes = limit);
        for (int n = 0; n < 200; n++)
        {
            Append(files, n, TimeSpan.FromSeconds(n), padding: 300);
        }

        files.Close();
        var all = _folder.Files();
        Assert.True(all.Length >= 5, $"{all.Length} files");

        // Over by at most what the compressor held back when the limit was crossed (its output comes in blocks).
        Assert.All(all, f => Assert.InRange(new FileInfo(f).Length, 1, limit + 64 * 1024));
        Assert.Equal(Enumerable.Range(0, 200), _folder.Lines().Select(l => int.Parse(l[5..l.IndexOf(',', StringComparison.Ordinal)], CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Close_AfterManyRotations_OldestDeletedFirstAndTotalWithinBudget()
    {
        const long file = 8192, budget = 4 * file;
        using var files = Files(o => (o.MaxFileBytes, o.MaxTotalBytes) = (file, budget));
        for (int n = 0; n < 600; n++)
        {
            Append(files, n, TimeSpan.FromSeconds(n), padding: 300);
        }

        files.Close();
        var all = _folder.Files();
        long total = all.Sum(f => new FileInfo(f).Length);
        Assert.True(total <= budget, $"{total} bytes on disk, budget {budget}");
        Assert.InRange(all.Length, 2, 4);

        // What is left is the newest traffic, without gaps: the deletions took the oldest files.
        var numbers = _folder.Lines().Select(l => int.Parse(l[5..l.IndexOf(',', StringComparison.Ordinal)], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(599, numbers[^1]);
        Assert.Equal(Enumerable.Range(numbers[0], numbers.Count), numbers);
        Assert.True(numbers[0] > 0, "the oldest records were deleted");
    }

    [Fact]
    public void Housekeep_FilesPastRetention_DeletedNewerKept()
    {
        using var files = Files(o => o.Retention = TimeSpan.FromHours(24));
        Append(files, 1, TimeSpan.FromMinutes(1));   // period 09:00-10:00
        Append(files, 2, TimeSpan.FromHours(5));     // period 14:00-15:00
        files.Close();
        Assert.Equal(2, _folder.Files().Length);

        _time.SetUtcNow(Start + TimeSpan.FromHours(24) + TimeSpan.FromMinutes(59)); // 09:59 next day: the first period is not yet a day old
        files.Housekeep();
        Assert.Equal(2, _folder.Files().Length);

        _time.SetUtcNow(Start + TimeSpan.FromHours(25));
        files.Housekeep();
        var left = Assert.Single(_folder.Files());
        Assert.Equal(["{\"n\":2,\"pad\":\"\"}"], CaptureFolder.ReadLines(left));
    }

    [Fact]
    public void Tick_AfterFlushInterval_OpenFileReadableUpToLastRecord()
    {
        using var files = Files();
        Append(files, 1, TimeSpan.Zero);
        Append(files, 2, TimeSpan.Zero);
        _time.Advance(TimeSpan.FromSeconds(1));
        files.Tick();

        // The open file is a complete gzip member so far: a crash now would lose nothing.
        string open = Assert.Single(Directory.GetFiles(_folder.Path, "*.open"));
        using (var stream = new FileStream(open, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        using (var reader = new StreamReader(new GZipStream(stream, CompressionMode.Decompress)))
        {
            Assert.Equal("{\"n\":1,\"pad\":\"\"}\n{\"n\":2,\"pad\":\"\"}\n", reader.ReadToEnd());
        }

        Append(files, 3, TimeSpan.FromSeconds(2));
        files.Close();
        Assert.Equal(3, _folder.Lines().Count);
    }

    [Fact]
    public void Start_FileLeftOpenByACrash_RenamedAndReadable()
    {
        var crashed = Files();
        Append(crashed, 1, TimeSpan.Zero);
        _time.Advance(TimeSpan.FromSeconds(1));
        crashed.Tick();
        crashed.Abandon(); // as if the process died: the file keeps its .open name... until Abandon renames it; put it back
        string closed = Assert.Single(_folder.Files());
        File.Move(closed, closed + ".open");

        using var files = Files();

        Assert.Equal(["{\"n\":1,\"pad\":\"\"}"], CaptureFolder.ReadLines(Assert.Single(_folder.Files())));
    }
}
