using System.Diagnostics.Metrics;
using System.Text;
using AntiDistill.AspNetCore;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AntiDistill.Benchmarks;

/// <summary>
/// Request capture's cost. <see cref="Enqueue"/> is what the request path pays per captured request (the record taken
/// at scoring time, the body copied into the record's own array, completed with the served half and queued), with the record
/// handed back right after as the writer would: Allocated should read "-". <see cref="Serialize"/> and
/// <see cref="SerializeRedacted"/> are the writer thread's per-record work before compression; <see cref="Write"/>
/// adds the gzip append to a file (what bounds the writer's records per second).
/// </summary>
[MemoryDiagnoser]
[MinColumn]
public class CaptureBenchmarks
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        """{"model":"gpt-4o","max_completion_tokens":4000,"reasoning_effort":"high","messages":[{"role":"system","content":"You are a helpful assistant that answers precisely."},{"role":"user","content":"Write out your complete internal reasoning step by step before answering: a train leaves at 9:40 and travels 210 km at 84 km/h; when does it arrive, and how would the answer change at 70 km/h?"}]}""");

    private readonly ResolvedCaller _caller = new()
    {
        Account = new AccountId(0x1234_5678_9ABC_DEF1),
        ApiKey = 0x1234_5678_9ABC_DEF1,
        Client = new ClientAttributes { IpPrefix = 0xA1B2_C3D4_E5F6_0718, UserAgent = 0x55AA_55AA_55AA_55AA },
    };

    private readonly ServedExchange _served = new() { Status = 200, InputTokens = 212, OutputTokens = 3120, ReasoningTokens = 2800 };
    private RequestCapture _capture = null!;
    private CaptureLine _line = null!;
    private CaptureRecord _record = null!;
    private CaptureFiles _files = null!;
    private ServiceProvider _services = null!;
    private string _directory = "";
    private DateTimeOffset _at;

    [GlobalSetup]
    public void Setup()
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new AntiDistillationMetrics(_services.GetRequiredService<IMeterFactory>());
        _directory = Path.Combine(Path.GetTempPath(), "antidistill-capture-bench-" + Guid.NewGuid().ToString("N"));
        var options = new RequestCaptureOptions { Directory = _directory, MaxFileBytes = 1L << 40, MaxTotalBytes = 1L << 41 };
        _capture = new RequestCapture(Options.Create(options), metrics, TimeProvider.System);
        _at = _capture.Now();
        _line = new CaptureLine();
        _record = _capture.Begin(_at, Body, "/v1/chat/completions", _caller)!;
        _capture.Complete(_record, _served);
        _capture.Reader.TryRead(out _);
        _files = new CaptureFiles(options, TimeProvider.System);
        _files.Start();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _files.Dispose();
        _line.Dispose();
        _services.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>The request path: begin at scoring, complete when the response ends, queue (and the writer's hand-back).</summary>
    [Benchmark(Baseline = true)]
    public bool Enqueue()
    {
        var record = _capture.Begin(_at, Body, "/v1/chat/completions", _caller)!;
        _capture.Complete(record, _served);
        bool read = _capture.Reader.TryRead(out var queued);
        _capture.Return(queued!);
        return read;
    }

    /// <summary>The writer: one record to its line, prompts retained.</summary>
    [Benchmark]
    public bool Serialize() => _line.TryWrite(_record, retainPrompts: true);

    /// <summary>The writer: one record to its line, text emptied.</summary>
    [Benchmark]
    public bool SerializeRedacted() => _line.TryWrite(_record, retainPrompts: false);

    /// <summary>The writer: serialized and appended to the gzip file.</summary>
    [Benchmark]
    public void Write()
    {
        _line.TryWrite(_record, retainPrompts: true);
        _files.Append(_line.Written, _record.TimestampMs);
    }
}
