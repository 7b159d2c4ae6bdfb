namespace AntiDistill.Simulation;

/// <summary>The request body format a simulated client speaks (request-log v1 <c>body</c> and <c>path</c>).</summary>
public enum ApiFormat
{
    /// <summary>OpenAI Chat Completions (<c>/v1/chat/completions</c>, <c>messages</c>).</summary>
    OpenAIChatCompletions,

    /// <summary>OpenAI Responses (<c>/v1/responses</c>, <c>input</c> and <c>instructions</c>).</summary>
    OpenAIResponses,

    /// <summary>Anthropic Messages (<c>/v1/messages</c>, <c>system</c>, <c>messages</c>, <c>thinking</c>).</summary>
    AnthropicMessages,
}
