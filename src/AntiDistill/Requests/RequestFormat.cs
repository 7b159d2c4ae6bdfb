namespace AntiDistill.Requests;

/// <summary>The API body formats AntiDistill reads a prompt from.</summary>
public enum RequestFormat : byte
{
    /// <summary>Not recognised.</summary>
    Unknown = 0,

    /// <summary>OpenAI Chat Completions (<c>/v1/chat/completions</c>): <c>messages</c>, <c>tools</c>, <c>max_completion_tokens</c>, <c>reasoning_effort</c>.</summary>
    OpenAIChatCompletions = 1,

    /// <summary>OpenAI Responses (<c>/v1/responses</c>): <c>input</c>, <c>instructions</c>, <c>max_output_tokens</c>, <c>reasoning</c>.</summary>
    OpenAIResponses = 2,

    /// <summary>Anthropic Messages (<c>/v1/messages</c>): <c>system</c>, <c>messages</c>, <c>max_tokens</c>, <c>thinking</c>.</summary>
    AnthropicMessages = 3,

    /// <summary>A host-defined format read by a custom <see cref="IRequestFormatReader"/>.</summary>
    Custom = 255,
}
