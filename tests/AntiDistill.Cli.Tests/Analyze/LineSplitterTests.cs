using System.Text;
using AntiDistill.Cli.Analyze;
using FsCheck;
using FsCheck.Fluent;

namespace AntiDistill.Cli.Tests.Analyze;

public class LineSplitterTests
{
    private static List<string> Split(byte[] input, int max, out List<long> tooLong)
    {
        var splitter = new LineSplitter(new MemoryStream(input), max);
        var lines = new List<string>();
        tooLong = [];
        while (splitter.Next(out var line, out long skipped))
        {
            if (skipped > 0)
            {
                tooLong.Add(splitter.LineNumber);
                lines.Add("<too long>");
            }
            else
            {
                lines.Add(Encoding.UTF8.GetString(line));
            }
        }

        return lines;
    }

    [Fact]
    public void Next_CrlfAndLfAndNoFinalNewline_SameLines()
    {
        var lines = Split(Encoding.UTF8.GetBytes("a\r\nbb\n\nccc"), 100, out _);

        Assert.Equal(["a", "bb", "", "ccc"], lines);
    }

    [Fact]
    public void Next_LineOverLimitLongerThanBuffer_SkippedAndNumbered()
    {
        var input = Encoding.UTF8.GetBytes("short\n" + new string('x', 3 * 1024 * 1024) + "\nafter\n");

        var lines = Split(input, 1024, out var tooLong);

        Assert.Equal(["short", "<too long>", "after"], lines);
        Assert.Equal([2L], tooLong);
    }

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public Property Next_AnyText_SameLinesAsSplittingOnNewline()
    {
        var gen = Gen.ListOf(Gen.Elements("a", "b", "\n", "\r\n", "xyz", "\n\n")).Select(parts => string.Concat(parts));
        return Prop.ForAll(gen.ToArbitrary(), Gen.Choose(1, 8).ToArbitrary(), (text, max) =>
        {
            var expected = text.Split('\n').Select(l => l.EndsWith('\r') ? l[..^1] : l).ToList();
            if (text.EndsWith('\n') || text.Length == 0)
            {
                expected.RemoveAt(expected.Count - 1);
            }

            var lines = Split(Encoding.UTF8.GetBytes(text), max, out _);
            Assert.Equal(expected.Select(l => l.Length > max ? "<too long>" : l), lines);
        });
    }
}
