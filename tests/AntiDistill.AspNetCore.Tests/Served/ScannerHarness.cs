using System.Text;
using AntiDistill.Requests;

namespace AntiDistill.AspNetCore.Tests.Served;

/// <summary>Feeds a response to a <see cref="ResponseScanner"/> in given pieces, as a server would write it.</summary>
internal static class ScannerHarness
{
    public static (ServedScan Scan, byte[] Output) Run(RequestFormat format, bool sse, bool strip, byte[] response, IEnumerable<int>? cuts = null,
        bool skipWholeEvents = true)
    {
        var scanner = new ResponseScanner { SkipsWholeEvents = skipWholeEvents };
        scanner.Reset(format, sse, strip);
        var output = new MemoryStream();
        int at = 0;
        foreach (int cut in (cuts ?? []).Where(c => c > 0 && c < response.Length).Order().Append(response.Length))
        {
            if (cut <= at)
            {
                continue;
            }

            // In place, as the PipeWriter path does: the chunk is its own output.
            var chunk = response[at..cut];
            int n = scanner.Process(chunk, chunk);
            output.Write(chunk, 0, n);
            at = cut;
        }

        return (scanner.Complete(), output.ToArray());
    }

    public static (ServedScan Scan, string Output) Run(RequestFormat format, bool sse, bool strip, string response, IEnumerable<int>? cuts = null,
        bool skipWholeEvents = true)
    {
        var (scan, output) = Run(format, sse, strip, Encoding.UTF8.GetBytes(response), cuts, skipWholeEvents);
        return (scan, Encoding.UTF8.GetString(output));
    }

    /// <summary>The data of each event of a server-sent event stream.</summary>
    public static List<(string? Event, string Data)> Events(string stream)
    {
        var events = new List<(string?, string)>();
        foreach (string frame in stream.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            string? name = null;
            var data = new StringBuilder();
            foreach (string line in frame.Split('\n'))
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line[7..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data.Append(line[6..]);
                }
            }

            events.Add((name, data.ToString()));
        }

        return events;
    }
}
