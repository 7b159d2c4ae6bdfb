using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace AntiDistill.AspNetCore.Tests.Body;

/// <summary>
/// Bodies the server will not deliver are the client's fault: answered with the server's status, counted, logged at
/// Debug at a bounded rate, never an error with a stack trace per request (issue 16, item 8).
/// </summary>
public class ClientFaultTests
{
    [Fact]
    public async Task ChunkedBody_OverKestrelsLimit_Answered413WithoutErrorLogs()
    {
        var logs = new FakeLogCollector();
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Annotate), builder =>
        {
            Middleware.DecisionLogTests.Capture(logs)(builder);
            builder.Services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = 2_000);
        });

        int port = host.Client.BaseAddress!.Port;
        byte[] body = Encoding.UTF8.GetBytes(Bodies.Chat(new string('x', 10_000)));
        for (int i = 0; i < 10; i++)
        {
            // Chunked (no Content-Length for Kestrel to refuse up front, so the limit trips while the middleware reads),
            // and written in one go: an HttpClient still sending when the 413 arrives sees a broken pipe instead.
            using var socket = new TcpClient();
            await socket.ConnectAsync(IPAddress.Loopback, port);
            var stream = socket.GetStream();
            string request = $"POST {Bodies.ChatPath} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer sk-big\r\nContent-Type: application/json\r\n" +
                $"Transfer-Encoding: chunked\r\n\r\n{body.Length:x}\r\n{Encoding.UTF8.GetString(body)}\r\n0\r\n\r\n";
            await stream.WriteAsync(Encoding.UTF8.GetBytes(request));
            using var reader = new StreamReader(stream, Encoding.ASCII);
            Assert.Equal("HTTP/1.1 413 Payload Too Large", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        }

        await host.App.StopAsync();
        var records = logs.GetSnapshot();
        Assert.Empty(records.Where(r => r.Level >= LogLevel.Error).Select(r => $"{r.Category} {r.Id.Name}: {r.Message} {r.Exception}"));
        Assert.Single(records, r => r.Id.Name == "ClientFault");
    }

    [Fact]
    public async Task Connection_ClosedMidBody_NoErrorLogs()
    {
        var logs = new FakeLogCollector();
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Annotate), Middleware.DecisionLogTests.Capture(logs));
        var address = new Uri(host.Client.BaseAddress!, "/");

        for (int i = 0; i < 5; i++)
        {
            using var socket = new TcpClient();
            await socket.ConnectAsync(IPAddress.Loopback, address.Port);
            var stream = socket.GetStream();
            string head = $"POST {Bodies.ChatPath} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer sk-gone\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head + "{\"messages\":[{\"role\":\"user\",\"content\":\"hel"));
            await stream.FlushAsync();
            await Task.Delay(50);
            socket.Client.LingerState = new LingerOption(true, 0); // a reset, as a client that crashed would leave
            socket.Close();
        }

        // Bounded wait for the server to notice all five.
        for (int i = 0; i < 100 && !logs.GetSnapshot().Any(r => r.Id.Name == "ClientFault"); i++)
        {
            await Task.Delay(20);
        }

        await host.App.StopAsync();
        var records = logs.GetSnapshot();
        Assert.Empty(records.Where(r => r.Level >= LogLevel.Error).Select(r => $"{r.Category} {r.Id.Name}: {r.Message} {r.Exception}"));
        Assert.Contains(records, r => r.Id.Name == "ClientFault");
    }
}
