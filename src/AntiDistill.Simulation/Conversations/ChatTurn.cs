namespace AntiDistill.Simulation;

/// <summary>Who said an earlier turn of a conversation.</summary>
public enum ChatRole
{
    /// <summary>A user message.</summary>
    User,

    /// <summary>An assistant reply in plain text.</summary>
    Assistant,

    /// <summary>An assistant turn that calls a tool (<see cref="ChatTurn.Text"/> is the JSON arguments).</summary>
    ToolCall,

    /// <summary>The output of the tool called by the turn before.</summary>
    ToolResult,
}

/// <summary>One earlier turn of a conversation, sent again with every later request as real clients do.</summary>
/// <param name="Role">Who said it.</param>
/// <param name="Text">The text (tool-call arguments as JSON for <see cref="ChatRole.ToolCall"/>).</param>
/// <param name="ToolName">The tool called or answered, for tool turns.</param>
/// <param name="CallId">Pairs a tool call with its result.</param>
public readonly record struct ChatTurn(ChatRole Role, string Text, string? ToolName = null, string? CallId = null);
