using System.Net.Http.Headers;
using System.Text.Json;
using AntiDistill.Simulation;

namespace AntiDistill.AspNetCore.Tests;

/// <summary>Turns a simulated request into the HTTP request a client would send: a chat-completions body and its headers.</summary>
internal static class SimulatedBodies
{
    public const string TlsHeader = "x-ja4";

    public static HttpRequestMessage ToHttp(SimulatedRequest request)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, Bodies.ChatPath) { Content = new ByteArrayContent(Body(request)) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", request.Account);
        var client = request.Client;
        if (client.UserAgent is { } agent)
        {
            message.Headers.TryAddWithoutValidation("User-Agent", agent);
        }

        if (client.Ip is { } ip)
        {
            message.Headers.Add("X-Forwarded-For", ip);
        }

        if (client.TlsFingerprint is { } tls)
        {
            message.Headers.Add(TlsHeader, tls);
        }

        return message;
    }

    /// <summary>The same observation EngineReplay makes: system prompt, earlier turns, the prompt last, tools, budget and reasoning.</summary>
    public static byte[] Body(SimulatedRequest request)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("model", "gpt-test");
            json.WriteStartArray("messages");
            if (!string.IsNullOrEmpty(request.SystemPrompt))
            {
                Message(json, "system", request.SystemPrompt);
            }

            int earlier = Math.Max(0, request.TurnCount - 1);
            for (int i = 0; i < earlier; i++)
            {
                // Earlier turns alternate so that the last one before the prompt is the assistant's.
                Message(json, (earlier - i) % 2 == 0 ? "user" : "assistant", $"Earlier turn {i}.");
            }

            Message(json, "user", request.Prompt);
            json.WriteEndArray();
            if (request.ToolCount > 0)
            {
                json.WriteStartArray("tools");
                for (int i = 0; i < request.ToolCount; i++)
                {
                    json.WriteStartObject();
                    json.WriteString("type", "function");
                    json.WriteStartObject("function");
                    json.WriteString("name", $"tool_{i}");
                    json.WriteEndObject();
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            if (request.MaxOutputTokens > 0)
            {
                json.WriteNumber("max_completion_tokens", request.MaxOutputTokens);
            }

            if (request.Reasoning)
            {
                json.WriteString("reasoning_effort", "high");
            }

            json.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static void Message(Utf8JsonWriter json, string role, string content)
    {
        json.WriteStartObject();
        json.WriteString("role", role);
        json.WriteString("content", content);
        json.WriteEndObject();
    }
}
