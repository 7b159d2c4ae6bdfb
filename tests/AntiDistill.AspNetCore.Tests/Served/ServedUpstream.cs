using System.Collections.Concurrent;
using System.Text;
using AntiDistill.Requests;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AntiDistill.AspNetCore.Tests.Served;

/// <summary>
/// A model server behind the middleware, on the test host under <c>/served/v1/...</c>: answers each format with a
/// realistic response (<see cref="ServedStreams"/>), streamed when the request asks, written in pieces of
/// <see cref="Split"/> bytes with a flush after each, through the response stream or its PipeWriter; or fails as told.
/// </summary>
public sealed class ServedUpstream
{
    public const string Prefix = "/served/v1";

    public int Chunks { get; set; } = 30;

    /// <summary>Bytes per write (0: one write per event, the whole body at once for JSON).</summary>
    public int Split { get; set; } = 13;

    public bool Pipe { get; set; }

    public Fault Failure { get; set; }

    /// <summary>Whether the last request the endpoint read still asked for thinking.</summary>
    public bool SawThinking { get; private set; }

    public ConcurrentQueue<IAntiDistillationFeature> Features { get; } = new();

    public enum Fault
    {
        None,
        Truncated,
        Garbage,
        ServerAbort,
        SlowForever,
        Gzip,
    }

    public void Map(WebApplication app)
    {
        app.MapPost(Prefix + "/chat/completions", context => ServeAsync(context, RequestFormat.OpenAIChatCompletions));
        app.MapPost(Prefix + "/responses", context => ServeAsync(context, RequestFormat.OpenAIResponses));
        app.MapPost(Prefix + "/messages", context => ServeAsync(context, RequestFormat.AnthropicMessages));
    }

    /// <summary>The feature of the only request so far, once the middleware has read its response (bounded wait).</summary>
    public async Task<IAntiDistillationFeature> ServedAsync()
    {
        for (int i = 0; i < 500; i++)
        {
            if (Features.TryPeek(out var feature) && feature.Served is not null)
            {
                return feature;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException("The middleware did not report the response as served within 5 s.");
    }

    private async Task ServeAsync(HttpContext context, RequestFormat format)
    {
        using var read = new StreamReader(context.Request.Body);
        string request = await read.ReadToEndAsync(context.RequestAborted);
        SawThinking = request.Contains("\"thinking\"", StringComparison.Ordinal);
        if (context.Features.Get<IAntiDistillationFeature>() is { } feature)
        {
            Features.Enqueue(feature);
        }

        bool stream = request.Replace(" ", "", StringComparison.Ordinal).Contains("\"stream\":true", StringComparison.Ordinal);
        var response = context.Response;
        response.ContentType = stream ? "text/event-stream" : "application/json";
        var bytes = stream ? ServedStreams.Stream(format, Chunks) : Encoding.UTF8.GetBytes(ServedStreams.Json(format));
        switch (Failure)
        {
            case Fault.Truncated:
                bytes = bytes[..(bytes.Length * 2 / 3)];
                break;
            case Fault.Garbage:
                bytes = [.. "data: {\"choices\":[}\n\n"u8, .. bytes];
                break;
            case Fault.Gzip:
                response.Headers.ContentEncoding = "gzip"; // not really compressed: the middleware must not look
                break;
        }

        if (!stream && Failure == Fault.None)
        {
            response.ContentLength = bytes.Length;
        }

        int at = 0;
        foreach (int length in Pieces(bytes, stream ? ServedStreams.Events(format, Chunks) : null))
        {
            if (Failure == Fault.ServerAbort && at > bytes.Length / 2)
            {
                context.Abort(); // the upstream dies mid-stream
                return;
            }

            await WriteAsync(response, bytes.AsMemory(at, length), context.RequestAborted);
            at += length;
        }

        for (int i = 0; Failure == Fault.SlowForever && i < 500; i++)
        {
            // Keeps streaming until the client leaves (the write then throws), 5 s at most.
            await WriteAsync(response, "data: {\"choices\":[]}\n\n"u8.ToArray(), context.RequestAborted);
            await Task.Delay(10, context.RequestAborted);
        }
    }

    private IEnumerable<int> Pieces(byte[] bytes, List<string>? events)
    {
        if (Split > 0)
        {
            for (int at = 0; at < bytes.Length; at += Split)
            {
                yield return Math.Min(Split, bytes.Length - at);
            }
        }
        else if (events is null || Failure != Fault.None)
        {
            yield return bytes.Length;
        }
        else
        {
            foreach (string e in events)
            {
                yield return Encoding.UTF8.GetByteCount(e);
            }
        }
    }

    private async Task WriteAsync(HttpResponse response, ReadOnlyMemory<byte> piece, CancellationToken cancellationToken)
    {
        if (Pipe)
        {
            var writer = response.BodyWriter;
            piece.Span.CopyTo(writer.GetSpan(piece.Length));
            writer.Advance(piece.Length);
            await writer.FlushAsync(cancellationToken);
        }
        else
        {
            await response.Body.WriteAsync(piece, cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
        }
    }
}
