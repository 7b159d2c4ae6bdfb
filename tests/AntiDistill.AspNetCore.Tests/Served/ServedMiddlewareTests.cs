using System.Net;
using System.Text;
using System.Text.Json;
using AntiDistill.Requests;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace AntiDistill.AspNetCore.Tests.Served;

/// <summary>The response observer on a real Kestrel: usage read from what the endpoint streams, bytes passed on as written.</summary>
public class ServedMiddlewareTests
{
    public static TheoryData<RequestFormat, bool, bool> FormatsStreamedPiped()
    {
        var data = new TheoryData<RequestFormat, bool, bool>();
        foreach (var format in ServedStreams.Formats)
        {
            foreach (bool stream in new[] { true, false })
            {
                data.Add(format, stream, false);
                data.Add(format, stream, true);
            }
        }

        return data;
    }

    internal static string PathOf(RequestFormat format) => ServedUpstream.Prefix + format switch
    {
        RequestFormat.OpenAIChatCompletions => "/chat/completions",
        RequestFormat.OpenAIResponses => "/responses",
        _ => "/messages",
    };

    internal static string BodyOf(RequestFormat format, bool stream) => format switch
    {
        RequestFormat.OpenAIChatCompletions => Bodies.Chat(stream: stream),
        RequestFormat.OpenAIResponses => Bodies.Responses(stream: stream),
        _ => Bodies.Messages(stream: stream),
    };

    internal static byte[] Expected(RequestFormat format, bool stream, int chunks) =>
        stream ? ServedStreams.Stream(format, chunks) : Encoding.UTF8.GetBytes(ServedStreams.Json(format));

    internal static Dictionary<string, string?> Withholding(bool risky) => risky
        ? Settings.Always(AntiDistillationAction.Allow).WithPolicy("default", "Bands:0:WithholdReasoning", "true")
        : Settings.Policy("default", false, (0, AntiDistillationAction.Allow), (0.99, AntiDistillationAction.Annotate))
            .WithPolicy("default", "Bands:1:WithholdReasoning", "true");

    [Theory]
    [MemberData(nameof(FormatsStreamedPiped))]
    public async Task Response_EachFormat_UsageObservedBytesUntouched(RequestFormat format, bool stream, bool pipe)
    {
        var upstream = new ServedUpstream { Pipe = pipe, Split = 7 };
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Allow), map: upstream.Map);

        using var response = await host.Client.SendAsync(TestHost.Post(PathOf(format), BodyOf(format, stream)));
        var body = await response.Content.ReadAsByteArrayAsync();
        var feature = await upstream.ServedAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Expected(format, stream, upstream.Chunks), body);
        Assert.Equal(ResponseReadStatus.Ok, feature.ResponseStatus);
        var served = feature.Served!.Value;
        Assert.Equal(ServedStreams.InputTokens, served.InputTokens);
        Assert.Equal(stream ? upstream.Chunks : 120, served.OutputTokens);
        Assert.Equal(200, served.Status);
        Assert.True(served.ReasoningTokens > 0);
        Assert.Equal(0, served.ReasoningTokensWithheld);
        Assert.Equal(feature.Assessment!.Value.Account, served.Account);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(1, true)]
    [InlineData(0, false)]
    public async Task Response_ByteByByteOrPerEvent_SameUsage(int split, bool pipe)
    {
        var upstream = new ServedUpstream { Pipe = pipe, Split = split, Chunks = 12 };
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Allow), map: upstream.Map);

        using var response = await host.Client.SendAsync(TestHost.Post(PathOf(RequestFormat.OpenAIResponses), Bodies.Responses(stream: true)));
        Assert.Equal(Expected(RequestFormat.OpenAIResponses, true, 12), await response.Content.ReadAsByteArrayAsync());
        var served = (await upstream.ServedAsync()).Served!.Value;

        Assert.Equal((ServedStreams.InputTokens, 12, 6), (served.InputTokens, served.OutputTokens, served.ReasoningTokens));
    }

    [Fact]
    public async Task Conversation_NextTurnsSentAsSoonAsEachStreamEnds_RushedFollowUpsFromTheObservedUsage()
    {
        // Twelve turns of one conversation, each sent the moment the previous streamed answer (500 visible tokens, 500 of
        // reasoning) has ended, on a clock that does not move: the middleware must hand each answer's usage to the engine
        // before the next turn is scored, or no follow-up is judged.
        var upstream = new ServedUpstream { Chunks = 1000 };
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Allow), map: upstream.Map);
        var messages = new List<string>();
        for (int turn = 0; turn < 12; turn++)
        {
            await SendTurnAsync(host, messages, "question " + turn + ": what came of the " + (turn * 7) + " ships that sailed north");
        }

        var engine = host.Services.GetRequiredService<DistillationEngine>();
        Assert.True(engine.TryAssess(engine.Identities.Account("sk-test-1"), out var assessment));
        Assert.True(assessment[RiskSignal.RushedFollowUps].Value > 0.3f, $"{assessment[RiskSignal.RushedFollowUps].Value}");
    }

    [Fact]
    public async Task Conversation_ThreeDialoguesInterleavedOnOneKey_EachJudgedOnItsOwnTurns()
    {
        // A harvester's three workers sharing one account: every request follows another dialogue's answer. Each
        // conversation is told apart by its first message (the reader's key, which the middleware hands on with the
        // served half), so each turn is still judged against its own conversation's answer.
        var upstream = new ServedUpstream { Chunks = 1000 };
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Allow), map: upstream.Map);
        var dialogues = new[] { new List<string>(), new List<string>(), new List<string>() };
        for (int turn = 0; turn < 8; turn++)
        {
            for (int d = 0; d < dialogues.Length; d++)
            {
                await SendTurnAsync(host, dialogues[d], "dialogue " + d + " turn " + turn + ": what came of the " + ((turn * 7) + d) + " ships");
            }
        }

        var engine = host.Services.GetRequiredService<DistillationEngine>();
        Assert.True(engine.TryAssess(engine.Identities.Account("sk-test-1"), out var assessment));
        // 21 follow-ups judged, all rushed, at one pace: 21 / 29 = 0.72. Unkeyed, only the turns that happen to follow an
        // answer two turns shorter are judged (7): 0.30.
        Assert.True(assessment[RiskSignal.RushedFollowUps].Value > 0.6f, $"{assessment[RiskSignal.RushedFollowUps].Value}");
    }

    /// <summary>Sends the conversation's next user turn as a streamed Chat Completions request, reads the stream to its end, and adds the answer to the history.</summary>
    private static async Task SendTurnAsync(TestHost host, List<string> messages, string question)
    {
        messages.Add("{\"role\":\"user\",\"content\":\"" + question + "\"}");
        string body = "{\"model\":\"gpt-test\",\"messages\":[" + string.Join(',', messages) + "],\"stream\":true}";
        using var response = await host.Client.SendAsync(TestHost.Post(PathOf(RequestFormat.OpenAIChatCompletions), body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await response.Content.ReadAsByteArrayAsync();
        messages.Add("{\"role\":\"assistant\",\"content\":\"a long answer\"}");
    }

    [Fact]
    public async Task Throttle_StreamedResponse_SettledWithRealUsage()
    {
        var upstream = new ServedUpstream { Chunks = 40 };
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Throttle), map: upstream.Map);
        using var tokens = new MetricCollector<long>(host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            AntiDistillationMetrics.MeterName, "antidistill.tokens_charged");

        using var response = await host.Client.SendAsync(TestHost.Post(PathOf(RequestFormat.AnthropicMessages), Bodies.Messages(stream: true)));
        await response.Content.ReadAsByteArrayAsync();
        await upstream.ServedAsync();

        // The estimate at admission, then the difference to the usage the stream reported: 25 input + 40 output in all.
        Assert.Equal(ServedStreams.InputTokens + 40, tokens.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(2, tokens.GetMeasurementSnapshot().Count);
    }

    [Fact]
    public async Task Throttle_StreamCutShort_NoRefundBelowEstimate()
    {
        var upstream = new ServedUpstream { Failure = ServedUpstream.Fault.Truncated };
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Throttle), map: upstream.Map);
        using var tokens = new MetricCollector<long>(host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            AntiDistillationMetrics.MeterName, "antidistill.tokens_charged");

        // A long prompt (estimated at ~500 tokens) whose stream stops before its final usage: message_start showed 26.
        using var response = await host.Client.SendAsync(TestHost.Post(PathOf(RequestFormat.AnthropicMessages),
            Bodies.Messages(prompt: new string('w', 2000), stream: true)));
        await response.Content.ReadAsByteArrayAsync();
        var feature = await upstream.ServedAsync();

        Assert.Equal(ResponseReadStatus.Malformed, feature.ResponseStatus);
        Assert.Equal(ServedStreams.InputTokens + 1, feature.Served!.Value.InputTokens + feature.Served.Value.OutputTokens);
        var charged = tokens.GetMeasurementSnapshot();
        Assert.True(charged[0].Value > 400, $"estimate {charged[0].Value}");
        Assert.Equal(charged[0].Value, charged.Sum(m => m.Value));
    }

    [Fact]
    public async Task Throttle_EndpointReportsUsage_ReportWins()
    {
        var upstream = new ServedUpstream();
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Throttle), map: app =>
        {
            app.Use(async (Microsoft.AspNetCore.Http.HttpContext context, Microsoft.AspNetCore.Http.RequestDelegate next) =>
            {
                await next(context);
                context.Features.Get<IAntiDistillationFeature>()?.ReportUsage(1000, 2000, 300);
            });
            upstream.Map(app);
        });
        using var tokens = new MetricCollector<long>(host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            AntiDistillationMetrics.MeterName, "antidistill.tokens_charged");

        using var response = await host.Client.SendAsync(TestHost.Post(PathOf(RequestFormat.OpenAIChatCompletions), Bodies.Chat(stream: true)));
        await response.Content.ReadAsByteArrayAsync();
        var served = (await upstream.ServedAsync()).Served!.Value;

        Assert.Equal((1000, 2000, 300), (served.InputTokens, served.OutputTokens, served.ReasoningTokens));
        Assert.Equal(3000, tokens.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    [Theory]
    [InlineData(RequestFormat.OpenAIChatCompletions, true)]
    [InlineData(RequestFormat.OpenAIChatCompletions, false)]
    [InlineData(RequestFormat.OpenAIResponses, true)]
    [InlineData(RequestFormat.OpenAIResponses, false)]
    public async Task WithholdReasoning_RiskyBand_ReasoningStrippedAnswerAndUsageKept(RequestFormat format, bool stream)
    {
        var upstream = new ServedUpstream { Pipe = format == RequestFormat.OpenAIResponses, Split = 11 };
        await using var host = await TestHost.StartAsync(Withholding(risky: true), map: upstream.Map);
        using var withheld = new MetricCollector<long>(host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            AntiDistillationMetrics.MeterName, "antidistill.reasoning.withheld");

        using var response = await host.Client.SendAsync(TestHost.Post(PathOf(format), BodyOf(format, stream)));
        string body = await response.Content.ReadAsStringAsync();
        var feature = await upstream.ServedAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(feature.WithholdsReasoning);
        Assert.DoesNotContain("Let me think", body, StringComparison.Ordinal);
        Assert.Contains(ServedStreams.Answer, body, StringComparison.Ordinal);
        Assert.True(response.Headers.TransferEncodingChunked); // a JSON body's Content-Length was dropped: it got shorter
        foreach (var (_, data) in stream ? ScannerHarness.Events(body) : [(null, body)])
        {
            if (data != "[DONE]")
            {
                using var document = JsonDocument.Parse(data);
            }
        }

        Assert.Contains(stream ? upstream.Chunks.ToString(System.Globalization.CultureInfo.InvariantCulture) : "120", body, StringComparison.Ordinal);
        var served = feature.Served!.Value;
        // Chat's reasoning text is all its reasoning (the usage's 15 or 60 tokens); a Responses summary is estimated from its
        // bytes, never above the reported reasoning (15 tokens when streamed, where 15 summary deltas outgrow it).
        int summaryTokens = (Encoding.UTF8.GetByteCount(ServedStreams.Reasoning) + 3) / 4;
        Assert.Equal(stream ? upstream.Chunks / 2 : format == RequestFormat.OpenAIChatCompletions ? 60 : summaryTokens, served.ReasoningTokensWithheld);
        Assert.Equal(served.ReasoningTokensWithheld, withheld.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    [Theory]
    [InlineData(RequestFormat.OpenAIChatCompletions)]
    [InlineData(RequestFormat.OpenAIResponses)]
    public async Task WithholdReasoning_OrganicBand_ReasoningKept(RequestFormat format)
    {
        var upstream = new ServedUpstream();
        await using var host = await TestHost.StartAsync(Withholding(risky: false), map: upstream.Map);

        using var response = await host.Client.SendAsync(TestHost.Post(PathOf(format), BodyOf(format, stream: true)));
        var body = await response.Content.ReadAsByteArrayAsync();
        var feature = await upstream.ServedAsync();

        Assert.False(feature.WithholdsReasoning);
        Assert.Equal(Expected(format, true, upstream.Chunks), body);
        Assert.Equal(0, feature.Served!.Value.ReasoningTokensWithheld);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task WithholdReasoning_Anthropic_ThinkingTurnedOffRequestSideResponseUntouched(bool risky, bool sawThinking)
    {
        var upstream = new ServedUpstream();
        await using var host = await TestHost.StartAsync(Withholding(risky), map: upstream.Map);

        using var response = await host.Client.SendAsync(TestHost.Post(PathOf(RequestFormat.AnthropicMessages), Bodies.Messages(stream: true)));
        var body = await response.Content.ReadAsByteArrayAsync();
        await upstream.ServedAsync();

        Assert.Equal(sawThinking, upstream.SawThinking);
        Assert.Equal(Expected(RequestFormat.AnthropicMessages, true, upstream.Chunks), body);
    }

    [Theory]
    [InlineData(ServedUpstream.Fault.Truncated, ResponseReadStatus.Malformed)]
    [InlineData(ServedUpstream.Fault.Garbage, ResponseReadStatus.Malformed)]
    [InlineData(ServedUpstream.Fault.Gzip, ResponseReadStatus.Encoded)]
    public async Task BrokenResponse_PassedOnUntouchedAndCounted(ServedUpstream.Fault fault, ResponseReadStatus expected)
    {
        var upstream = new ServedUpstream { Failure = fault };
        await using var host = await TestHost.StartAsync(Withholding(risky: true), map: upstream.Map);
        using var responses = new MetricCollector<long>(host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            AntiDistillationMetrics.MeterName, "antidistill.responses");

        using var response = await host.Client.SendAsync(TestHost.Post(PathOf(RequestFormat.AnthropicMessages), Bodies.Messages(stream: true)));
        var body = await response.Content.ReadAsByteArrayAsync();
        var feature = await upstream.ServedAsync();

        var sent = Expected(RequestFormat.AnthropicMessages, true, upstream.Chunks);
        sent = fault switch
        {
            ServedUpstream.Fault.Truncated => sent[..(sent.Length * 2 / 3)],
            ServedUpstream.Fault.Garbage => [.. "data: {\"choices\":[}\n\n"u8, .. sent],
            _ => sent,
        };
        Assert.Equal(sent, body);
        Assert.Equal(expected, feature.ResponseStatus);
        var counted = Assert.Single(responses.GetMeasurementSnapshot());
        Assert.Equal(AntiDistillationMetrics.ResponseStatusName(expected), counted.Tags["antidistill.response"]);
    }

    [Fact]
    public async Task UpstreamDiesMidStream_ClientSeesTheCutAndHostCounts()
    {
        var upstream = new ServedUpstream { Failure = ServedUpstream.Fault.ServerAbort };
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Allow), map: upstream.Map);

        // The reset reaches the client while it reads the headers or the body, depending on timing.
        var cut = await Record.ExceptionAsync(async () =>
        {
            using var response = await host.Client.SendAsync(TestHost.Post(PathOf(RequestFormat.OpenAIChatCompletions), Bodies.Chat(stream: true)),
                HttpCompletionOption.ResponseHeadersRead);
            await response.Content.ReadAsByteArrayAsync();
        });
        Assert.True(cut is HttpRequestException or IOException, cut?.ToString());
        var feature = await upstream.ServedAsync();

        // Cut short either way: the connection's abort may reach RequestAborted before the middleware looks, or after.
        Assert.True(feature.ResponseStatus is ResponseReadStatus.Aborted or ResponseReadStatus.Malformed, feature.ResponseStatus.ToString());
        Assert.Equal(0, feature.Served!.Value.OutputTokens);
    }

    [Fact]
    public async Task ClientDisconnectsMidStream_CountedAbortedNoHostError()
    {
        var upstream = new ServedUpstream { Failure = ServedUpstream.Fault.SlowForever };
        await using var host = await TestHost.StartAsync(Withholding(risky: true), map: upstream.Map);

        using (var response = await host.Client.SendAsync(TestHost.Post(PathOf(RequestFormat.OpenAIChatCompletions), Bodies.Chat(stream: true)),
            HttpCompletionOption.ResponseHeadersRead))
        {
            using var stream = await response.Content.ReadAsStreamAsync();
            await stream.ReadExactlyAsync(new byte[64]);
        }

        var feature = await upstream.ServedAsync();

        Assert.Equal(ResponseReadStatus.Aborted, feature.ResponseStatus);
        Assert.Equal(ServedStreams.InputTokens, feature.Served!.Value.InputTokens);
    }
}
