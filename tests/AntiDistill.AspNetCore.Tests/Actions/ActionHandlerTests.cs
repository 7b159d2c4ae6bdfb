using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using AntiDistill.Requests;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AntiDistill.AspNetCore.Tests.Actions;

/// <summary>Host-registered actions and degrade rewriters, on real Kestrel.</summary>
public class ActionHandlerTests
{
    private const string Policies = "AntiDistillation:Http:Policies";

    [Fact]
    public async Task AddActionHandler_BandNamesIt_HandlerRefusesWithItsOwnProblem()
    {
        var tarpit = new RecordingHandler(refuse: true);
        await using var host = await TestHost.StartAsync(HandlerBand("tarpit"), b => b.AddActionHandler("tarpit", tarpit));

        using var response = await host.PostAsync(Bodies.ChatPath, Bodies.Chat());

        Assert.Equal((HttpStatusCode)StatusCodes.Status402PaymentRequired, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Tarpit", problem.RootElement.GetProperty("title").GetString());
        var seen = Assert.Single(tarpit.Calls);
        Assert.Equal("default", seen.Policy);
        Assert.Equal("tarpit", seen.ActionName);
        Assert.Equal(AntiDistillationAction.Custom, seen.FeatureAction);
        Assert.InRange(seen.Risk, 0f, 1f);
    }

    [Fact]
    public async Task AddActionHandler_HandlerContinues_EndpointServedWithWhatTheHandlerSet()
    {
        var tag = new RecordingHandler(refuse: false);
        await using var host = await TestHost.StartAsync(HandlerBand("tag"), b => b.AddActionHandler("tag", tag));

        using var response = await host.PostAsync("/echo/chat/completions", Bodies.Chat());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Custom", response.Headers.GetValues("X-Action").Single());
        Assert.Equal("tag", response.Headers.GetValues("X-Tagged").Single());
        Assert.Single(tag.Calls);
    }

    [Fact]
    public async Task AddActionHandler_TypeFromDi_OnlyItsBandInvokesIt()
    {
        // Band 0 (every request) takes the host's handler; a band at risk 1 would block, and an organic request never reaches it.
        var settings = HandlerBand("counted")
            .With($"{Policies}:default:Bands:1:MinRisk", "1")
            .With($"{Policies}:default:Bands:1:Action", "Block");
        await using var host = await TestHost.StartAsync(settings, b =>
        {
            b.Services.AddSingleton<CallCounter>();
            b.AddActionHandler<CountingHandler>("counted");
        });

        for (int i = 0; i < 3; i++)
        {
            using var response = await host.PostAsync(Bodies.ChatPath, Bodies.Chat($"Question {i} about rivers?"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(3, host.Services.GetRequiredService<CallCounter>().Count);
    }

    [Fact]
    public async Task AddActionHandler_ShadowPolicy_NeverInvoked()
    {
        var tarpit = new RecordingHandler(refuse: true);
        await using var host = await TestHost.StartAsync(HandlerBand("tarpit", shadow: true), b => b.AddActionHandler("tarpit", tarpit));

        using var response = await host.PostAsync("/echo/chat/completions", Bodies.Chat());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Custom", response.Headers.GetValues("X-Action").Single());
        Assert.Empty(tarpit.Calls);
    }

    [Fact]
    public async Task Handler_BuiltInNameInBand_ActsAsTheBuiltIn()
    {
        await using var host = await TestHost.StartAsync(HandlerBand("block"));

        using var response = await host.PostAsync(Bodies.ChatPath, Bodies.Chat());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Handler_NameNobodyRegistered_FailsAtStart()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(HandlerBand("tarpti")));

        Assert.Contains("tarpti", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Block")]
    [InlineData("throttle")]
    [InlineData("Custom")]
    public void AddActionHandler_BuiltInName_Throws(string name)
    {
        var builder = new ServiceCollection().AddAntiDistillation();

        Assert.Throws<ArgumentException>(() => builder.AddActionHandler(name, new RecordingHandler(refuse: false)));
    }

    [Fact]
    public async Task AddDegradeRewriter_HostFormat_EndpointReadsTheRewrittenBody()
    {
        await using var host = await TestHost.StartAsync(
            Settings.Always(AntiDistillationAction.Degrade).WithPolicy("default", "DegradedMaxOutputTokens", "256"),
            b => b.AddRequestFormat<GenerateReader>().AddDegradeRewriter<GenerateRewriter>(),
            app => app.MapPost(GenerateReader.Path, TestHost.EchoAsync));

        using var response = await host.PostAsync(GenerateReader.Path, """{"prompt":"Tell me about rivers.","max_new_tokens":4000,"think":true}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Degrade", response.Headers.GetValues("X-Action").Single());
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(256, body.RootElement.GetProperty("max_new_tokens").GetInt32());
        Assert.Equal("Tell me about rivers.", body.RootElement.GetProperty("prompt").GetString());
        Assert.False(body.RootElement.TryGetProperty("think", out _));
    }

    [Fact]
    public async Task AddDegradeRewriter_BuiltInFormatsStillRewritten_HostRewriterAskedFirstOnlyForItsFormat()
    {
        await using var host = await TestHost.StartAsync(
            Settings.Always(AntiDistillationAction.Degrade).WithPolicy("default", "DegradedMaxOutputTokens", "256"),
            b => b.AddDegradeRewriter<GenerateRewriter>());

        using var response = await host.PostAsync("/echo/chat/completions", Bodies.Chat(maxTokens: 4000));

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(256, body.RootElement.GetProperty("max_completion_tokens").GetInt32());
    }

    private static Dictionary<string, string?> HandlerBand(string handler, bool shadow = false) => new()
    {
        [$"{Policies}:default:Shadow"] = shadow ? "true" : "false",
        [$"{Policies}:default:Bands:0:MinRisk"] = "0",
        [$"{Policies}:default:Bands:0:Handler"] = handler,
    };

    private sealed record Call(string Policy, string ActionName, AntiDistillationAction FeatureAction, float Risk);

    private sealed class RecordingHandler(bool refuse) : IAntiDistillationActionHandler
    {
        public ConcurrentQueue<Call> Calls { get; } = new();

        public async ValueTask<bool> HandleAsync(AntiDistillationActionContext context)
        {
            Calls.Enqueue(new Call(context.PolicyName, context.ActionName, context.Feature.Action, context.Assessment.Risk));
            if (!refuse)
            {
                context.HttpContext.Response.Headers["X-Tagged"] = context.ActionName;
                return true;
            }

            await context.RejectAsync(RejectionReason.Blocked, new ProblemDetails { Status = StatusCodes.Status402PaymentRequired, Title = "Tarpit" });
            return false;
        }
    }

    private sealed class CallCounter
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Add() => Interlocked.Increment(ref _count);
    }

    private sealed class CountingHandler(CallCounter counter) : IAntiDistillationActionHandler
    {
        public ValueTask<bool> HandleAsync(AntiDistillationActionContext context)
        {
            counter.Add();
            return new(true);
        }
    }

    /// <summary>A host's own API: <c>{"prompt": "...", "max_new_tokens": n, "think": bool}</c> at <c>/v1/generate</c>.</summary>
    private sealed class GenerateReader : IRequestFormatReader
    {
        public const string Path = "/v1/generate";

        public RequestFormat Format => RequestFormat.Custom;

        public bool MatchesPath(ReadOnlySpan<char> path) => path.SequenceEqual(Path);

        public bool MatchesShape(ReadOnlySpan<byte> body) => false;

        public RequestReadStatus Read(ReadOnlySpan<byte> body, RequestContent content)
        {
            try
            {
                var reader = new Utf8JsonReader(body);
                while (reader.Read())
                {
                    if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("prompt"u8) && reader.Read())
                    {
                        content.AppendPrompt(Encoding.UTF8.GetBytes(reader.GetString() ?? string.Empty));
                    }
                }

                content.Format = RequestFormat.Custom;
                content.TurnCount = 1;
                return content.Prompt.IsEmpty ? RequestReadStatus.UnexpectedShape : RequestReadStatus.Ok;
            }
            catch (JsonException)
            {
                return RequestReadStatus.NotJson;
            }
        }
    }

    private sealed class GenerateRewriter : IDegradeRequestRewriter
    {
        public bool CanRewrite(RequestFormat format, ReadOnlySpan<char> path) => format == RequestFormat.Custom && path.SequenceEqual(GenerateReader.Path);

        public bool TryRewrite(ReadOnlySpan<byte> body, in DegradeRequest request, IBufferWriter<byte> output)
        {
            using var document = JsonDocument.Parse(body.ToArray());
            using var json = new Utf8JsonWriter(output);
            json.WriteStartObject();
            foreach (var member in document.RootElement.EnumerateObject())
            {
                if (member.NameEquals("max_new_tokens") || (request.RemoveReasoning && member.NameEquals("think")))
                {
                    continue;
                }

                member.WriteTo(json);
            }

            json.WriteNumber("max_new_tokens", request.MaxOutputTokens);
            json.WriteEndObject();
            return true;
        }
    }
}
