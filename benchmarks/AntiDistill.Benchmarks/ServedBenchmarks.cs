using System.Text;
using AntiDistill.AspNetCore;
using AntiDistill.AspNetCore.Tests;
using AntiDistill.Requests;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace AntiDistill.Benchmarks;

/// <summary>
/// The response observer over a realistic 1,000-chunk server-sent event stream of each format, one event a write (as a
/// model server flushes them), and over a JSON body. Stream benchmarks report per content chunk (OperationsPerInvoke =
/// 1,000; each stream also has its ~10 framing events). Allocated must read "-": nothing per chunk, nor per stream
/// once the per-request state exists. The Min column is the least disturbed iteration, for runs on a shared machine.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
public class ServedBenchmarks
{
    private const int Chunks = 1000;

    private readonly ResponseScanner _scanner = new();
    private readonly ResponseScanner _tokenizerOnly = new() { SkipsWholeEvents = false };
    private readonly ServedResponseBody _body = new();
    private readonly byte[] _output = new byte[256 * 1024];
    private byte[][] _events = [];
    private byte[][] _answerEvents = [];
    private byte[] _json = [];
    private DefaultHttpContext _context = null!;

    [Params(RequestFormat.OpenAIChatCompletions, RequestFormat.OpenAIResponses, RequestFormat.AnthropicMessages)]
    public RequestFormat Format { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _events = [.. ServedStreams.Events(Format, Chunks).Select(Encoding.UTF8.GetBytes)];
        // The stream without its reasoning deltas: a model that does not reason, and the gateway benchmark's stream.
        _answerEvents = [.. ServedStreams.Events(Format, Chunks)
            .Where(e => !e.Contains("\"reasoning_content\":\"", StringComparison.Ordinal) && !e.Contains("thinking_delta", StringComparison.Ordinal)
                && !e.Contains("reasoning_summary_text.delta", StringComparison.Ordinal))
            .Select(Encoding.UTF8.GetBytes)];
        _json = Encoding.UTF8.GetBytes(ServedStreams.Json(Format));
        _context = new DefaultHttpContext();
        _context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
        _context.Response.ContentType = "text/event-stream";
    }

    /// <summary>Usage and reasoning read, bytes passed on unchanged.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Chunks)]
    public int Observe()
    {
        _scanner.Reset(Format, serverSentEvents: true, strip: false);
        for (int i = 0; i < _events.Length; i++)
        {
            _scanner.Process(_events[i], default);
        }

        return _scanner.Complete().OutputTokens;
    }

    /// <summary>As <see cref="Observe"/>, over the answer deltas only (per answer chunk).</summary>
    [Benchmark(OperationsPerInvoke = Chunks / 2)]
    public int ObserveAnswerOnly()
    {
        _scanner.Reset(Format, serverSentEvents: true, strip: false);
        for (int i = 0; i < _answerEvents.Length; i++)
        {
            _scanner.Process(_answerEvents[i], default);
        }

        return _scanner.Complete().OutputTokens;
    }

    /// <summary>As <see cref="Observe"/>, every event through the tokenizer: what the whole-event fast path saves.</summary>
    [Benchmark(OperationsPerInvoke = Chunks)]
    public int ObserveTokenizerOnly()
    {
        _tokenizerOnly.Reset(Format, serverSentEvents: true, strip: false);
        for (int i = 0; i < _events.Length; i++)
        {
            _tokenizerOnly.Process(_events[i], default);
        }

        return _tokenizerOnly.Complete().OutputTokens;
    }

    /// <summary>Read and reasoning blanked (into a separate buffer: in place would change the input for the next run).</summary>
    [Benchmark(OperationsPerInvoke = Chunks)]
    public int ObserveAndStrip()
    {
        _scanner.Reset(Format, serverSentEvents: true, strip: true);
        int written = 0;
        for (int i = 0; i < _events.Length; i++)
        {
            written += _scanner.Process(_events[i], _output);
        }

        return written + _scanner.Complete().OutputTokens;
    }

    /// <summary>The whole response path: the body feature in front of a server stream (Stream.Null), one write per event, withholding on.</summary>
    [Benchmark(OperationsPerInvoke = Chunks)]
    public async Task<int> ThroughResponseBody()
    {
        _body.Attach(_context, Format, withhold: true);
        var stream = _context.Response.Body;
        for (int i = 0; i < _events.Length; i++)
        {
            await stream.WriteAsync(_events[i]);
        }

        _body.Detach(aborted: false, out var scan);
        return scan.OutputTokens;
    }

    /// <summary>A whole JSON response body (one per operation).</summary>
    [Benchmark]
    public int JsonBody()
    {
        _scanner.Reset(Format, serverSentEvents: false, strip: false);
        _scanner.Process(_json, default);
        return _scanner.Complete().OutputTokens;
    }
}
