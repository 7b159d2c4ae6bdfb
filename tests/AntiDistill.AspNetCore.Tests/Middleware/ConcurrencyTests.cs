using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace AntiDistill.AspNetCore.Tests.Middleware;

public class ConcurrencyTests
{
    private const int Clients = 16;
    private const int RequestsPerClient = 25;

    [Fact]
    public async Task ConcurrentClients_AllFormats_EveryRequestServedAndCounted()
    {
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Degrade));
        string[] paths = [Bodies.ChatPath, Bodies.ResponsesPath, Bodies.MessagesPath];

        var results = await Task.WhenAll(Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            var statuses = new List<HttpStatusCode>(RequestsPerClient);
            for (int i = 0; i < RequestsPerClient; i++)
            {
                string path = paths[(client + i) % paths.Length];
                using var response = await host.PostAsync(path, Bodies.For(path, prompt: $"Question {i} from client {client}: why is the sky blue?"), apiKey: $"sk-client-{client}");
                statuses.Add(response.StatusCode);

                // Each body was rewritten for this request, not another one in flight.
                string text = await response.Content.ReadAsStringAsync();
                Assert.Contains("\"max_tokens_seen\":1024", text, StringComparison.Ordinal);
            }

            return statuses;
        })));

        Assert.All(results.SelectMany(s => s), status => Assert.Equal(HttpStatusCode.OK, status));
        var engine = host.Services.GetRequiredService<DistillationEngine>();
        Assert.Equal(Clients, engine.TrackedAccounts);
        for (int client = 0; client < Clients; client++)
        {
            Assert.True(engine.TryAssess(engine.Identities.Account($"sk-client-{client}"), out var assessment));
            Assert.Equal(RequestsPerClient, assessment.Requests);
        }
    }
}
