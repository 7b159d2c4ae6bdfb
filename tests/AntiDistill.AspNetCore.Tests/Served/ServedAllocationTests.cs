using AntiDistill.Requests;
using AntiDistill.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace AntiDistill.AspNetCore.Tests.Served;

/// <summary>Reading (and stripping) a response allocates nothing per chunk once its per-request state exists.</summary>
public class ServedAllocationTests
{
    [AllocationFact]
    public void Process_1000ChunkStreams_NoAllocation()
    {
        var scanner = new ResponseScanner();
        var output = new byte[64 * 1024];
        var streams = ServedStreams.Formats.Select(f => (Format: f, Events: ServedStreams.Events(f, 1000).Select(System.Text.Encoding.UTF8.GetBytes).ToArray())).ToArray();
        Run(scanner, streams, output); // warm-up: tiered JIT, statics

        long allocated = AllocationCounter.Least(() => Run(scanner, streams, output));

        Assert.Equal(0, allocated);
    }

    [AllocationFact]
    public async Task BodyStream_StrippedChunks_NoAllocationPerChunk()
    {
        var events = ServedStreams.Events(RequestFormat.OpenAIChatCompletions, 1000).Select(System.Text.Encoding.UTF8.GetBytes).ToArray();
        var body = new ServedResponseBody();
        await WriteAsync(body, events, 10); // warm-up

        long tenChunks = await AllocationCounter.LeastAsync(() => WriteAsync(body, events, 10));
        long allChunks = await AllocationCounter.LeastAsync(() => WriteAsync(body, events, events.Length));

        // Per request: the context and the features it needs; per chunk: nothing, so 1,000 chunks cost what 10 do.
        Assert.Equal(tenChunks, allChunks);
    }

    private static void Run(ResponseScanner scanner, (RequestFormat Format, byte[][] Events)[] streams, byte[] output)
    {
        foreach (var (format, events) in streams)
        {
            for (int pass = 0; pass < 2; pass++)
            {
                scanner.Reset(format, serverSentEvents: true, strip: pass == 1);
                for (int i = 0; i < events.Length; i++)
                {
                    scanner.Process(events[i], output);
                }

                Assert.True(scanner.Complete().SawUsage);
            }
        }
    }

    private static async Task WriteAsync(ServedResponseBody body, byte[][] events, int count)
    {
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
        context.Response.ContentType = "text/event-stream";
        body.Attach(context, RequestFormat.OpenAIChatCompletions, withhold: true);
        var stream = context.Response.Body;
        for (int i = 0; i < count; i++)
        {
            await stream.WriteAsync(events[i]);
        }

        body.Detach(aborted: false, out _);
    }
}
