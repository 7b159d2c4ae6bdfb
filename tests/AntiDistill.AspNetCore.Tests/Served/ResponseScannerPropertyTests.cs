using AntiDistill.Requests;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace AntiDistill.AspNetCore.Tests.Served;

/// <summary>The scanner reads untrusted bytes split anywhere: properties over splits and arbitrary input.</summary>
public class ResponseScannerPropertyTests
{
    private static readonly byte[][] Streams = [.. ServedStreams.Formats.Select(f => ServedStreams.Stream(f, 6))];
    private static readonly byte[][] Bodies = [.. ServedStreams.Formats.Select(f => System.Text.Encoding.UTF8.GetBytes(ServedStreams.Json(f)))];

    [Property(MaxTest = 300)]
    public bool Process_AnySplitOfValidStream_SameScanAndOutput(byte formatIndex, bool sse, bool strip, int[] cuts)
    {
        int i = formatIndex % 3;
        var format = ServedStreams.Formats[i];
        var response = sse ? Streams[i] : Bodies[i];
        var whole = ScannerHarness.Run(format, sse, strip, response);
        var split = ScannerHarness.Run(format, sse, strip, response, (cuts ?? []).Select(c => (int)((uint)c % (uint)response.Length)));

        return Same(whole.Scan, split.Scan) && whole.Output.AsSpan().SequenceEqual(split.Output) && !whole.Scan.Malformed && whole.Scan.SawUsage;
    }

    /// <remarks>The tokenizer's own verdicts (malformed included) do not depend on splits; the whole-event fast path is checked against it below.</remarks>
    [Property(MaxTest = 500)]
    public bool Process_ArbitraryBytes_NoThrowPassedThroughAndSplitInvariant(byte[] bytes, byte formatIndex, bool sse, int[] cuts)
    {
        var format = ServedStreams.Formats[formatIndex % 3];
        bytes ??= [];
        var whole = ScannerHarness.Run(format, sse, strip: false, bytes, skipWholeEvents: false);
        var split = ScannerHarness.Run(format, sse, strip: false, bytes, Cuts(cuts, bytes), skipWholeEvents: false);

        return whole.Output.AsSpan().SequenceEqual(bytes) && split.Output.AsSpan().SequenceEqual(bytes) && Same(whole.Scan, split.Scan);
    }

    /// <summary>Skipping events that name nothing read changes no count and no output byte, whatever the input and its splits.</summary>
    [Property(MaxTest = 500)]
    public Property Process_WholeEventFastPath_SameCountsAndOutputAsTokenizer() =>
        Prop.ForAll(Noise().ToArbitrary(), Gen.ArrayOf(Gen.Choose(0, 4096)).ToArbitrary(), Gen.Elements(ServedStreams.Formats).SelectMany(f => Gen.Elements(false, true).Select(strip => (f, strip))).ToArbitrary(),
            (noise, cuts, run) =>
            {
                var (format, strip) = run;
                var bytes = System.Text.Encoding.UTF8.GetBytes(noise);
                var fast = ScannerHarness.Run(format, sse: true, strip, bytes, Cuts(cuts, bytes));
                var slow = ScannerHarness.Run(format, sse: true, strip, bytes, Cuts(cuts, bytes), skipWholeEvents: false);
                return fast.Output.AsSpan().SequenceEqual(slow.Output) && SameCounts(fast.Scan, slow.Scan);
            });

    /// <summary>Bytes near the formats' own (event lines, JSON punctuation, reasoning names), where the state machine has most to get wrong.</summary>
    [Property(MaxTest = 500)]
    public Property Process_JsonLikeNoise_StrippingNeverThrowsOnlyRemovesBytesSplitInvariant() =>
        Prop.ForAll(Noise().ToArbitrary(), Gen.ArrayOf(Gen.Choose(0, 4096)).ToArbitrary(), Gen.Elements(ServedStreams.Formats).ToArbitrary(),
            (noise, cuts, format) =>
            {
                var bytes = System.Text.Encoding.UTF8.GetBytes(noise);
                var whole = ScannerHarness.Run(format, sse: true, strip: true, bytes, skipWholeEvents: false);
                var split = ScannerHarness.Run(format, sse: true, strip: true, bytes, Cuts(cuts, bytes), skipWholeEvents: false);
                return IsSubsequence(whole.Output, bytes) && whole.Output.AsSpan().SequenceEqual(split.Output) && Same(whole.Scan, split.Scan);
            });

    private static IEnumerable<int> Cuts(IEnumerable<int>? cuts, byte[] bytes) =>
        (cuts ?? []).Select(c => bytes.Length == 0 ? 0 : (int)((uint)c % (uint)bytes.Length));

    private static Gen<string> Noise() =>
        Gen.Elements(
                "data: ", "event: ", "\n", "\r\n", "\r", ": ping\n", "{", "}", "[", "]", ",", ":", "\"", "\\", "\\\"", " ", "0", "17", "-3", "1e5", "true", "null",
                "\"reasoning_content\"", "\"reasoning\"", "\"delta\"", "\"message\"", "\"choices\"", "\"usage\"", "\"prompt_tokens\"", "\"completion_tokens\"",
                "\"type\"", "\"summary\"", "\"text\"", "\"summary_text\"", "\"response.reasoning_summary_text.delta\"", "\"thinking\"", "\"output_tokens_details\"",
                "\"reasoning_tokens\"", "[DONE]", "x", "\u00e9", "data: {\"choices\":[]}\n\n", "\"reasoning_content\":null", "\"reasoning\": \"", "\t", "data: {\"usage\":{\"prompt_tokens\":3}}\n\n", "\n\n")
            .ArrayOf()
            .Select(string.Concat);

    private static bool IsSubsequence(byte[] sub, byte[] of)
    {
        int j = 0;
        foreach (byte b in of)
        {
            if (j < sub.Length && sub[j] == b)
            {
                j++;
            }
        }

        return j == sub.Length;
    }

    private static bool Same(ServedScan a, ServedScan b) => SameCounts(a, b) && a.Malformed == b.Malformed;

    private static bool SameCounts(ServedScan a, ServedScan b) =>
        a.InputTokens == b.InputTokens && a.OutputTokens == b.OutputTokens && a.ReasoningTokens == b.ReasoningTokens
        && a.ReasoningTokensWithheld == b.ReasoningTokensWithheld && a.SawUsage == b.SawUsage
        && a.StreamError == b.StreamError && a.ReasoningBytes == b.ReasoningBytes && a.StrippedBytes == b.StrippedBytes;
}
