using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace AntiDistill.AspNetCore.Tests.Body;

/// <summary>
/// Clients that close right after sending, on the throttle path (issue 16, item 10). Kestrel's request-body reader
/// stays "reading" when a read is cancelled through a token instead of ending with the connection, and its drain at the
/// end of the request then fails with "Reading is already in progress"; body reads must therefore never pass
/// <c>RequestAborted</c> (the connection's end completes them anyway).
/// </summary>
public class ClosedAfterSendTests
{
    [Fact]
    public async Task Throttle_ClientsClosingRightAfterSending_NoReadingInProgressErrors()
    {
        var logs = new FakeLogCollector();
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Throttle), Middleware.DecisionLogTests.Capture(logs));
        int port = host.Client.BaseAddress!.Port;
        byte[] body = Encoding.UTF8.GetBytes(Bodies.Chat());

        var deadline = DateTime.UtcNow.AddSeconds(20);
        for (int i = 0; i < 400 && DateTime.UtcNow < deadline; i++)
        {
            using var socket = new TcpClient();
            await socket.ConnectAsync(IPAddress.Loopback, port);
            string head = $"POST {Bodies.ChatPath} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer sk-closer-{i % 7}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n";

            // Half the clients send the body in two writes, so some requests reach the middleware before it has arrived whole.
            var stream = socket.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            if (i % 2 == 0)
            {
                await stream.WriteAsync(body.AsMemory(0, body.Length / 2));
                await stream.FlushAsync();
                await stream.WriteAsync(body.AsMemory(body.Length / 2));
            }
            else
            {
                await stream.WriteAsync(body);
            }

            socket.Client.LingerState = new LingerOption(true, 0);
            socket.Close();
        }

        await Task.Delay(200);
        await host.App.StopAsync();
        var errors = logs.GetSnapshot().Where(r => r.Level >= LogLevel.Error).Select(r => $"{r.Id.Name}: {r.Message} {r.Exception?.Message}").ToList();
        Assert.Empty(errors);
    }
}
