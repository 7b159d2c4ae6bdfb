using System.Text.Json;
using AntiDistill.Simulation;

namespace AntiDistill.Cli.Simulate;

/// <summary>How one account's client writes its requests: the API, the model, and SDK habits.</summary>
/// <param name="Format">The body format.</param>
/// <param name="Model">The model asked for.</param>
/// <param name="ContentParts">Whether message content is sent as an array of typed parts rather than a string.</param>
/// <param name="Stream">Whether the client streams responses.</param>
internal readonly record struct ClientStyle(ApiFormat Format, string Model, bool ContentParts, bool Stream);

/// <summary>
/// Renders a simulated request as the body a client would send, in OpenAI Chat Completions, OpenAI Responses or
/// Anthropic Messages form, with its earlier turns, tool list and output/reasoning settings. Every string goes
/// through <see cref="Utf8JsonWriter"/>, so any prompt text is escaped correctly. The walk over the conversation
/// is shared; each <see cref="BodyShape"/> says how its API spells a turn.
/// </summary>
internal sealed class BodyWriter
{
    private readonly ToolCatalog _tools = new();

    /// <summary>The request path each format is served on.</summary>
    public static string PathOf(ApiFormat format) => BodyShape.Of(format).Path;

    public void Write(Utf8JsonWriter w, SimulatedRequest request, ClientStyle style)
    {
        var shape = BodyShape.Of(style.Format);
        w.WriteStartObject();
        w.WriteString("model", style.Model);
        shape.WriteHead(w, request);
        if (!shape.WriteSingleTurn(w, request, style))
        {
            shape.StartMessages(w, request, style);
            foreach (var turn in request.History.Span)
            {
                switch (turn.Role)
                {
                    case ChatRole.User:
                        shape.User(w, turn.Text, style.ContentParts);
                        break;
                    case ChatRole.Assistant:
                        shape.Assistant(w, turn.Text, style.ContentParts);
                        break;
                    case ChatRole.ToolCall:
                        shape.ToolCall(w, turn);
                        break;
                    case ChatRole.ToolResult:
                        shape.ToolResult(w, turn.CallId, turn.Text);
                        break;
                }
            }

            // A history ending in a tool call makes the prompt that call's result: an agent loop's next step.
            if (request.History.Length > 0 && request.History.Span[^1].Role == ChatRole.ToolCall)
            {
                shape.ToolResult(w, request.History.Span[^1].CallId, request.Prompt);
            }
            else
            {
                shape.User(w, request.Prompt, style.ContentParts);
            }

            w.WriteEndArray();
        }

        shape.WriteSettings(w, request);
        if (request.ToolCount > 0)
        {
            w.WritePropertyName("tools");
            w.WriteRawValue(_tools.Get(style.Format, request.ToolSet, request.ToolCount), skipInputValidation: true);
        }

        if (style.Stream)
        {
            w.WriteBoolean("stream", true);
        }

        w.WriteEndObject();
    }
}
