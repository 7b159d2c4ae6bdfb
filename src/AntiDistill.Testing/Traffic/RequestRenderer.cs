using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using AntiDistill.Requests;
using AntiDistill.Simulation;

namespace AntiDistill.Testing;

/// <summary>Turns a simulated request into what its client would send: a body in its API's format, its path and headers.</summary>
internal static class RequestRenderer
{
    public static HttpRequestMessage Render(SimulatedRequest request, int index, SimulatedTraffic traffic)
    {
        var format = traffic.Format ?? Format(request.Format);
        var message = new HttpRequestMessage(HttpMethod.Post, traffic.PathOf(format)) { Content = new ByteArrayContent(Body(request, format)) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        message.Headers.Add(AntiDistillationTestRecorder.RequestHeader, index.ToString(CultureInfo.InvariantCulture));
        var client = request.Client;
        if (client.UserAgent is { } agent)
        {
            message.Headers.TryAddWithoutValidation("User-Agent", agent);
        }

        if (client.Ip is { } ip && traffic.ForwardedForHeader is { } forwarded)
        {
            message.Headers.TryAddWithoutValidation(forwarded, ip);
        }

        if (client.TlsFingerprint is { } tls && traffic.TlsFingerprintHeader is { } tlsHeader)
        {
            message.Headers.TryAddWithoutValidation(tlsHeader, tls);
        }

        if (traffic.Credential is { } credential)
        {
            credential(message, request.Account);
        }
        else
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", request.Account);
        }

        return message;
    }

    private static RequestFormat Format(ApiFormat? format) => format switch
    {
        ApiFormat.OpenAIResponses => RequestFormat.OpenAIResponses,
        ApiFormat.AnthropicMessages => RequestFormat.AnthropicMessages,
        _ => RequestFormat.OpenAIChatCompletions,
    };

    /// <summary>The observation the simulator means: system prompt, earlier turns, the prompt last, tools, budget and reasoning.</summary>
    internal static byte[] Body(SimulatedRequest request, RequestFormat format)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("model", "simulated-model");
            bool anthropic = format == RequestFormat.AnthropicMessages;
            bool responses = format == RequestFormat.OpenAIResponses;
            if (!string.IsNullOrEmpty(request.SystemPrompt) && (anthropic || responses))
            {
                json.WriteString(anthropic ? "system" : "instructions", request.SystemPrompt);
            }

            json.WriteStartArray(responses ? "input" : "messages");
            if (!string.IsNullOrEmpty(request.SystemPrompt) && !anthropic && !responses)
            {
                Message(json, "system", request.SystemPrompt);
            }

            int earlier = Math.Max(0, request.TurnCount - 1);
            for (int i = 0; i < earlier; i++)
            {
                // Earlier turns alternate so that the one just before the prompt is the assistant's.
                Message(json, (earlier - i) % 2 == 0 ? "user" : "assistant", string.Create(CultureInfo.InvariantCulture, $"Earlier turn {i}."));
            }

            Message(json, "user", request.Prompt);
            json.WriteEndArray();
            if (request.ToolCount > 0)
            {
                json.WriteStartArray("tools");
                for (int i = 0; i < request.ToolCount; i++)
                {
                    Tool(json, format, string.Create(CultureInfo.InvariantCulture, $"{request.ToolSet ?? "tool"}_{i}"));
                }

                json.WriteEndArray();
            }

            int budget = request.MaxOutputTokens > 0 ? request.MaxOutputTokens : anthropic ? 1024 : 0;
            if (budget > 0)
            {
                json.WriteNumber(anthropic ? "max_tokens" : responses ? "max_output_tokens" : "max_completion_tokens", budget);
            }

            if (request.Reasoning)
            {
                if (anthropic)
                {
                    json.WriteStartObject("thinking");
                    json.WriteString("type", "enabled");
                    json.WriteNumber("budget_tokens", Math.Max(1, budget / 2));
                    json.WriteEndObject();
                }
                else if (responses)
                {
                    json.WriteStartObject("reasoning");
                    json.WriteString("effort", "high");
                    json.WriteEndObject();
                }
                else
                {
                    json.WriteString("reasoning_effort", "high");
                }
            }

            json.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static void Message(Utf8JsonWriter json, string role, string text)
    {
        json.WriteStartObject();
        json.WriteString("role", role);
        json.WriteString("content", text);
        json.WriteEndObject();
    }

    private static void Tool(Utf8JsonWriter json, RequestFormat format, string name)
    {
        json.WriteStartObject();
        switch (format)
        {
            case RequestFormat.AnthropicMessages:
                json.WriteString("name", name);
                json.WriteStartObject("input_schema");
                json.WriteString("type", "object");
                json.WriteEndObject();
                break;
            case RequestFormat.OpenAIResponses:
                json.WriteString("type", "function");
                json.WriteString("name", name);
                break;
            default:
                json.WriteString("type", "function");
                json.WriteStartObject("function");
                json.WriteString("name", name);
                json.WriteEndObject();
                break;
        }

        json.WriteEndObject();
    }
}
