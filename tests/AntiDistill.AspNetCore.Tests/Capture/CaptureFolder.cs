using System.IO.Compression;
using System.Text;

namespace AntiDistill.AspNetCore.Tests.Capture;

/// <summary>A temporary capture directory and what is in it, read back the way a person would (gunzip, then lines).</summary>
internal sealed class CaptureFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "antidistill-capture-tests", Guid.NewGuid().ToString("N"));

    /// <summary>The closed capture files, oldest first (names sort by start time).</summary>
    public string[] Files()
    {
        if (!Directory.Exists(Path))
        {
            return [];
        }

        var files = Directory.GetFiles(Path, "*.jsonl.gz");
        Array.Sort(files, StringComparer.Ordinal);
        return files;
    }

    /// <summary>Every line of every closed file, in file order.</summary>
    public List<string> Lines() => [.. Files().SelectMany(ReadLines)];

    public static IEnumerable<string> ReadLines(string file)
    {
        using var gzip = new GZipStream(File.OpenRead(file), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
    }
}
