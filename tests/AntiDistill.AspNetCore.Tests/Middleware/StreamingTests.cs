using System.Net;

namespace AntiDistill.AspNetCore.Tests.Middleware;

public class StreamingTests
{
    [Theory]
    [MemberData(nameof(Bodies.Paths), MemberType = typeof(Bodies))]
    public async Task StreamingRequest_EachFormat_ScoredAndStreamedBack(string path)
    {
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Annotate).WithPolicy("default", "ResponseHeaders", "true"));
        using var request = TestHost.Post(path, Bodies.For(path, stream: true));

        using var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.Contains("AntiDistill-Risk"));
        string events = await response.Content.ReadAsStringAsync();
        Assert.Contains("data: ", events, StringComparison.Ordinal);
        Assert.Contains("canned answer", events, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamingRequest_Degraded_StillStreams()
    {
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Degrade));

        using var response = await host.Client.SendAsync(TestHost.Post(Bodies.MessagesPath, Bodies.Messages(stream: true)), HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("message_stop", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamingRequest_Blocked_ProblemNotStream()
    {
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Block));

        using var response = await host.Client.SendAsync(TestHost.Post(Bodies.ChatPath, Bodies.Chat(stream: true)));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
