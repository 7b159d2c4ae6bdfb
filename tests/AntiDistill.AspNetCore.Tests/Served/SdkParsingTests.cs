using System.ClientModel;
using System.Text;
using AntiDistill.Requests;
using Anthropic;
using Anthropic.Exceptions;
using Anthropic.Models.Messages;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Responses;

// The OpenAI SDK marks its Responses client as evaluation-only; it is the official reader of that format all the same.
#pragma warning disable OPENAI001

namespace AntiDistill.AspNetCore.Tests.Served;

/// <summary>
/// The official SDKs read what a client gets through the middleware: streams and bodies with reasoning withheld must
/// still parse into their typed models, and refusals in the caller's dialect into their typed errors.
/// </summary>
public class SdkParsingTests
{
    private const string ApiKey = "sk-test-1";

    [Fact]
    public async Task OpenAIChat_StreamStripped_SdkParsesEveryUpdateAndUsage()
    {
        var upstream = new ServedUpstream { Split = 9 };
        await using var host = await TestHost.StartAsync(ServedMiddlewareTests.Withholding(risky: true), map: upstream.Map);
        var client = new ChatClient("m", new ApiKeyCredential(ApiKey), new OpenAIClientOptions { Endpoint = Endpoint(host), NetworkTimeout = TimeSpan.FromSeconds(30) });

        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        int updates = 0;
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("What is the capital of France?")]))
        {
            updates++;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            usage = update.Usage ?? usage;
        }

        Assert.Equal(upstream.Chunks + 3, updates);
        Assert.Equal(string.Concat(Enumerable.Repeat(ServedStreams.Answer, upstream.Chunks / 2)), text.ToString());
        Assert.NotNull(usage);
        Assert.Equal(upstream.Chunks / 2, usage.OutputTokenDetails.ReasoningTokenCount);
        Assert.Equal(upstream.Chunks / 2, (await upstream.ServedAsync()).Served!.Value.ReasoningTokensWithheld);
    }

    [Fact]
    public async Task OpenAIChat_JsonStripped_SdkParsesCompletion()
    {
        var upstream = new ServedUpstream();
        await using var host = await TestHost.StartAsync(ServedMiddlewareTests.Withholding(risky: true), map: upstream.Map);
        var client = new ChatClient("m", new ApiKeyCredential(ApiKey), new OpenAIClientOptions { Endpoint = Endpoint(host) });

        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("What is the capital of France?")]);

        Assert.Equal(ServedStreams.Answer, completion.Content[0].Text);
        Assert.Equal(60, completion.Usage.OutputTokenDetails.ReasoningTokenCount);
        Assert.True((await upstream.ServedAsync()).Served!.Value.ReasoningTokensWithheld > 0);
    }

    [Fact]
    public async Task OpenAIResponses_StreamStripped_SdkParsesEveryUpdateSummariesBlank()
    {
        var upstream = new ServedUpstream { Split = 17, Pipe = true };
        await using var host = await TestHost.StartAsync(ServedMiddlewareTests.Withholding(risky: true), map: upstream.Map);
        var client = new ResponsesClient(new ApiKeyCredential(ApiKey), new ResponsesClientOptions { Endpoint = Endpoint(host) });

        var answer = new StringBuilder();
        var summaries = new StringBuilder();
        ResponseResult? completed = null;
        int updates = 0;
        await foreach (var update in await client.CreateResponseStreamingAsync("m", "What is the capital of France?"))
        {
            updates++;
            switch (update)
            {
                case StreamingResponseOutputTextDeltaUpdate delta:
                    answer.Append(delta.Delta);
                    break;
                case StreamingResponseReasoningSummaryTextDeltaUpdate summary:
                    summaries.Append(summary.Delta);
                    break;
                case StreamingResponseCompletedUpdate done:
                    completed = done.Response;
                    break;
            }
        }

        Assert.Equal(ServedStreams.Events(RequestFormat.OpenAIResponses, upstream.Chunks).Count, updates);
        Assert.Equal(string.Concat(Enumerable.Repeat(ServedStreams.Answer, upstream.Chunks / 2)), answer.ToString());
        Assert.Equal("", summaries.ToString());
        Assert.NotNull(completed);
        Assert.Equal(upstream.Chunks, completed.Usage.OutputTokenCount);
        var reasoning = Assert.Single(completed.OutputItems.OfType<ReasoningResponseItem>());
        Assert.Equal("", reasoning.GetSummaryText());
    }

    [Fact]
    public async Task OpenAIResponses_JsonStripped_SdkParsesResponse()
    {
        var upstream = new ServedUpstream();
        await using var host = await TestHost.StartAsync(ServedMiddlewareTests.Withholding(risky: true), map: upstream.Map);
        var client = new ResponsesClient(new ApiKeyCredential(ApiKey), new ResponsesClientOptions { Endpoint = Endpoint(host) });

        ResponseResult response = await client.CreateResponseAsync("m", "What is the capital of France?");

        Assert.Equal(ServedStreams.Answer, response.GetOutputText());
        Assert.Equal("", Assert.Single(response.OutputItems.OfType<ReasoningResponseItem>()).GetSummaryText());
        Assert.Equal(60, response.Usage.OutputTokenDetails.ReasoningTokenCount);
    }

    [Fact]
    public async Task AnthropicMessages_WithheldRequestSide_SdkParsesStream()
    {
        var upstream = new ServedUpstream { Split = 5 };
        await using var host = await TestHost.StartAsync(ServedMiddlewareTests.Withholding(risky: true), map: upstream.Map);
        var client = new AnthropicClient { ApiKey = ApiKey, BaseUrl = Endpoint(host).AbsoluteUri.Replace("/v1", "", StringComparison.Ordinal), MaxRetries = 0 };

        int events = 0;
        long output = 0;
        await foreach (var streamed in client.Messages.CreateStreaming(Message()))
        {
            events++;
            if (streamed.TryPickDelta(out var delta))
            {
                output = delta.Usage.OutputTokens;
            }
        }

        Assert.Equal(ServedStreams.Events(RequestFormat.AnthropicMessages, upstream.Chunks).Count - 1, events); // the SDK drops the ping
        Assert.Equal(upstream.Chunks, output);
        Assert.False(upstream.SawThinking);
    }

    [Fact]
    public async Task Refusal_OpenAIDialect_SdkReadsStatusAndMessage()
    {
        await using var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Block).WithPolicy("default", "RejectionFormat", "MatchRequest"),
            map: new ServedUpstream().Map);
        var client = new ChatClient("m", new ApiKeyCredential(ApiKey), new OpenAIClientOptions { Endpoint = Endpoint(host) });

        var refused = await Assert.ThrowsAsync<ClientResultException>(() => client.CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(403, refused.Status);
        Assert.Contains("account_blocked", refused.Message, StringComparison.Ordinal);
        Assert.Contains("not being served", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refusal_AnthropicDialectThrottled_SdkRaisesRateLimitException()
    {
        var settings = Settings.Always(AntiDistillationAction.Throttle).WithPolicy("default", "RejectionFormat", "MatchRequest")
            .With("AntiDistillation:RateLimiting:Account:Capacity", "5")
            .With("AntiDistillation:RateLimiting:Account:TokensPerSecond", "1")
            .With("AntiDistillation:RateLimiting:Account:MaxDebtRatio", "0");
        await using var host = await TestHost.StartAsync(settings, map: new ServedUpstream().Map);
        var client = new AnthropicClient { ApiKey = ApiKey, BaseUrl = Endpoint(host).AbsoluteUri.Replace("/v1", "", StringComparison.Ordinal), MaxRetries = 0 };

        await client.Messages.Create(Message()); // the first request takes the whole budget (and the upstream serves it)
        var refused = await Assert.ThrowsAsync<AnthropicRateLimitException>(() => client.Messages.Create(Message()));

        Assert.Equal(System.Net.HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("faster than its current limit", refused.Message, StringComparison.Ordinal);
    }

    private static Uri Endpoint(TestHost host) => new(host.Client.BaseAddress!, ServedUpstream.Prefix);

    private static MessageCreateParams Message(string prompt = "What is the capital of France?") => new()
    {
        Model = "claude-test",
        MaxTokens = 4000,
        Thinking = new ThinkingConfigEnabled { BudgetTokens = 2000 },
        Messages = [new UserMessageParam(prompt)],
    };
}
