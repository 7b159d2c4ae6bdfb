using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace AntiDistill.AspNetCore.Tests.Body;

/// <summary>Bodies the middleware cannot score: let through unread-in-meaning (and counted) or refused with 400, per policy; never a 500.</summary>
public class BadBodyTests
{
    private const string Echo = "/echo/chat/completions";

    public static TheoryData<string, byte[], string> Bad => new()
    {
        { "not json", Encoding.UTF8.GetBytes("model=gpt&prompt=hello"), "NotJson" },
        { "truncated", Encoding.UTF8.GetBytes("{\"messages\":[{\"role\":\"user\",\"content\":\"hi"), "NotJson" },
        { "invalid utf-8", [.. "{\"messages\":[{\"role\":\"user\",\"content\":\""u8, 0xC3, 0x28, 0xFF, .. "\"}]}"u8], "NotJson" },
        { "wrong shape: array", Encoding.UTF8.GetBytes("[1,2,3]"), "UnexpectedShape" },
        { "wrong shape: messages is a string", Encoding.UTF8.GetBytes("{\"messages\":\"hello\"}"), "UnexpectedShape" },
        { "empty", [], "NotJson" },
    };

    [Theory]
    [MemberData(nameof(Bad))]
    public async Task AllowPolicy_BadBody_LetThroughWithTheBodyIntact(string name, byte[] body, string status)
    {
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Block));

        using var response = await host.Client.SendAsync(Request(Echo, body));

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{name}: {response.StatusCode}");
        Assert.Equal(status, response.Headers.GetValues("X-Body-Status").Single());
        Assert.Equal(body, await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [MemberData(nameof(Bad))]
    public async Task RejectPolicy_BadBody_400Problem(string name, byte[] body, string status)
    {
        _ = status;
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Allow).WithPolicy("default", "BadBody", "Reject"));

        using var response = await host.Client.SendAsync(Request(Echo, body));

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{name}: {response.StatusCode}");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://antidistill.dev/problems/invalid-body", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task TooLarge_DeclaredLength_NotReadAndEndpointGetsItWhole()
    {
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Block).With("AntiDistillation:Http:MaxBodyBytes", "2048"));
        byte[] body = Encoding.UTF8.GetBytes(Bodies.Chat(prompt: new string('a', 5000)));

        using var response = await host.Client.SendAsync(Request(Echo, body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("TooLarge", response.Headers.GetValues("X-Body-Status").Single());
        Assert.Equal(body, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task TooLarge_Chunked_PrefixReplayedThenRestOfStream()
    {
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Block).With("AntiDistillation:Http:MaxBodyBytes", "2048"));
        byte[] body = Encoding.UTF8.GetBytes(Bodies.Chat(prompt: new string('b', 50_000)));

        using var response = await host.Client.SendAsync(Chunked(Echo, body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("TooLarge", response.Headers.GetValues("X-Body-Status").Single());
        Assert.Equal(body, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task TooLarge_RejectPolicy_413()
    {
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Allow)
            .WithPolicy("default", "BadBody", "Reject").With("AntiDistillation:Http:MaxBodyBytes", "2048"));

        using var response = await host.Client.SendAsync(Chunked(Echo, Encoding.UTF8.GetBytes(Bodies.Chat(prompt: new string('c', 5000)))));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task ChunkedRequest_WithinLimit_ScoredAndReplayed()
    {
        await using var host = await TestHost.StartAsync();
        byte[] body = Encoding.UTF8.GetBytes(Bodies.Chat(prompt: new string('d', 20_000)));

        using var response = await host.Client.SendAsync(Chunked(Echo, body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Ok", response.Headers.GetValues("X-Body-Status").Single());
        Assert.Equal(body, await response.Content.ReadAsByteArrayAsync());
    }

    private static HttpRequestMessage Request(string path, byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-bad-body");
        return request;
    }

    /// <summary>A body sent in chunks with no Content-Length, as a streaming client sends it.</summary>
    private static HttpRequestMessage Chunked(string path, byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StreamContent(new NonSeekableStream(body)) };
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-chunked");
        return request;
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1000));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 1000)], cancellationToken);
    }
}
