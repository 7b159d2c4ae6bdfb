using System.Text.Json;
using AntiDistill.Simulation;

namespace AntiDistill.Cli.Simulate;

/// <summary>How one API spells a request: where the system prompt goes, what a turn and a tool call look like.</summary>
internal abstract class BodyShape
{
    private static readonly BodyShape Chat = new ChatCompletionsShape();
    private static readonly BodyShape Responses = new ResponsesShape();
    private static readonly BodyShape Anthropic = new AnthropicShape();

    public abstract string Path { get; }

    public static BodyShape Of(ApiFormat format) => format switch
    {
        ApiFormat.OpenAIChatCompletions => Chat,
        ApiFormat.OpenAIResponses => Responses,
        _ => Anthropic,
    };

    /// <summary>Fields before the conversation (the system prompt, where the API keeps it apart).</summary>
    public virtual void WriteHead(Utf8JsonWriter w, SimulatedRequest request)
    {
    }

    /// <summary>Writes a short form for a single-turn request when the API has one; false to write the message list.</summary>
    public virtual bool WriteSingleTurn(Utf8JsonWriter w, SimulatedRequest request, ClientStyle style) => false;

    /// <summary>Opens the message array (and writes a system message, where the API keeps it there).</summary>
    public abstract void StartMessages(Utf8JsonWriter w, SimulatedRequest request, ClientStyle style);

    public abstract void User(Utf8JsonWriter w, string text, bool parts);

    public abstract void Assistant(Utf8JsonWriter w, string text, bool parts);

    public abstract void ToolCall(Utf8JsonWriter w, ChatTurn call);

    public abstract void ToolResult(Utf8JsonWriter w, string? callId, string text);

    /// <summary>The output budget and reasoning settings.</summary>
    public abstract void WriteSettings(Utf8JsonWriter w, SimulatedRequest request);

    protected static void Message(Utf8JsonWriter w, string role, string text, bool parts, string partType)
    {
        w.WriteStartObject();
        w.WriteString("role", role);
        if (parts)
        {
            w.WriteStartArray("content");
            w.WriteStartObject();
            w.WriteString("type", partType);
            w.WriteString("text", text);
            w.WriteEndObject();
            w.WriteEndArray();
        }
        else
        {
            w.WriteString("content", text);
        }

        w.WriteEndObject();
    }

    private sealed class ChatCompletionsShape : BodyShape
    {
        public override string Path => "/v1/chat/completions";

        public override void StartMessages(Utf8JsonWriter w, SimulatedRequest request, ClientStyle style)
        {
            w.WriteStartArray("messages");
            if (!string.IsNullOrEmpty(request.SystemPrompt))
            {
                Message(w, "system", request.SystemPrompt, style.ContentParts, "text");
            }
        }

        public override void User(Utf8JsonWriter w, string text, bool parts) => Message(w, "user", text, parts, "text");

        public override void Assistant(Utf8JsonWriter w, string text, bool parts) => Message(w, "assistant", text, parts: false, "text");

        public override void ToolCall(Utf8JsonWriter w, ChatTurn call)
        {
            w.WriteStartObject();
            w.WriteString("role", "assistant");
            w.WriteNull("content");
            w.WriteStartArray("tool_calls");
            w.WriteStartObject();
            w.WriteString("id", call.CallId);
            w.WriteString("type", "function");
            w.WriteStartObject("function");
            w.WriteString("name", call.ToolName);
            w.WriteString("arguments", call.Text);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        public override void ToolResult(Utf8JsonWriter w, string? callId, string text)
        {
            w.WriteStartObject();
            w.WriteString("role", "tool");
            w.WriteString("tool_call_id", callId);
            w.WriteString("content", text);
            w.WriteEndObject();
        }

        public override void WriteSettings(Utf8JsonWriter w, SimulatedRequest request)
        {
            if (request.MaxOutputTokens > 0)
            {
                w.WriteNumber("max_completion_tokens", request.MaxOutputTokens);
            }

            if (request.Reasoning)
            {
                w.WriteString("reasoning_effort", "high");
            }
        }
    }

    private sealed class ResponsesShape : BodyShape
    {
        public override string Path => "/v1/responses";

        public override void WriteHead(Utf8JsonWriter w, SimulatedRequest request)
        {
            if (!string.IsNullOrEmpty(request.SystemPrompt))
            {
                w.WriteString("instructions", request.SystemPrompt);
            }
        }

        public override bool WriteSingleTurn(Utf8JsonWriter w, SimulatedRequest request, ClientStyle style)
        {
            // The shortest form the API takes: a bare string as the only user message.
            if (!request.History.IsEmpty || style.ContentParts)
            {
                return false;
            }

            w.WriteString("input", request.Prompt);
            return true;
        }

        public override void StartMessages(Utf8JsonWriter w, SimulatedRequest request, ClientStyle style) => w.WriteStartArray("input");

        public override void User(Utf8JsonWriter w, string text, bool parts) => Message(w, "user", text, parts, "input_text");

        public override void Assistant(Utf8JsonWriter w, string text, bool parts) => Message(w, "assistant", text, parts: true, "output_text");

        public override void ToolCall(Utf8JsonWriter w, ChatTurn call)
        {
            w.WriteStartObject();
            w.WriteString("type", "function_call");
            w.WriteString("call_id", call.CallId);
            w.WriteString("name", call.ToolName);
            w.WriteString("arguments", call.Text);
            w.WriteEndObject();
        }

        public override void ToolResult(Utf8JsonWriter w, string? callId, string text)
        {
            w.WriteStartObject();
            w.WriteString("type", "function_call_output");
            w.WriteString("call_id", callId);
            w.WriteString("output", text);
            w.WriteEndObject();
        }

        public override void WriteSettings(Utf8JsonWriter w, SimulatedRequest request)
        {
            if (request.MaxOutputTokens > 0)
            {
                w.WriteNumber("max_output_tokens", request.MaxOutputTokens);
            }

            if (request.Reasoning)
            {
                w.WriteStartObject("reasoning");
                w.WriteString("effort", "high");
                w.WriteEndObject();
            }
        }
    }

    private sealed class AnthropicShape : BodyShape
    {
        public override string Path => "/v1/messages";

        /// <summary>max_tokens is required: clients that set no budget of their own send their SDK example's 1024.</summary>
        private static int MaxTokens(SimulatedRequest request) => request.MaxOutputTokens > 0 ? request.MaxOutputTokens : 1024;

        public override void WriteHead(Utf8JsonWriter w, SimulatedRequest request)
        {
            w.WriteNumber("max_tokens", MaxTokens(request));
            if (string.IsNullOrEmpty(request.SystemPrompt))
            {
                return;
            }

            if (request.ToolSet is null)
            {
                w.WriteString("system", request.SystemPrompt);
                return;
            }

            // Agent products send the system prompt as a cached block.
            w.WriteStartArray("system");
            w.WriteStartObject();
            w.WriteString("type", "text");
            w.WriteString("text", request.SystemPrompt);
            w.WriteStartObject("cache_control");
            w.WriteString("type", "ephemeral");
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
        }

        public override void StartMessages(Utf8JsonWriter w, SimulatedRequest request, ClientStyle style) => w.WriteStartArray("messages");

        public override void User(Utf8JsonWriter w, string text, bool parts) => Message(w, "user", text, parts, "text");

        public override void Assistant(Utf8JsonWriter w, string text, bool parts) => Message(w, "assistant", text, parts, "text");

        public override void ToolCall(Utf8JsonWriter w, ChatTurn call)
        {
            w.WriteStartObject();
            w.WriteString("role", "assistant");
            w.WriteStartArray("content");
            w.WriteStartObject();
            w.WriteString("type", "tool_use");
            w.WriteString("id", call.CallId);
            w.WriteString("name", call.ToolName);
            w.WritePropertyName("input");
            w.WriteRawValue(call.Text);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        public override void ToolResult(Utf8JsonWriter w, string? callId, string text)
        {
            w.WriteStartObject();
            w.WriteString("role", "user");
            w.WriteStartArray("content");
            w.WriteStartObject();
            w.WriteString("type", "tool_result");
            w.WriteString("tool_use_id", callId);
            w.WriteString("content", text);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        public override void WriteSettings(Utf8JsonWriter w, SimulatedRequest request)
        {
            if (request.Reasoning)
            {
                w.WriteStartObject("thinking");
                w.WriteString("type", "enabled");
                w.WriteNumber("budget_tokens", Math.Max(1024, MaxTokens(request) / 2));
                w.WriteEndObject();
            }
        }
    }
}
