using System.Text.Json;

namespace AntiDistill.Requests;

/// <summary>
/// Reads a conversation array (Chat Completions <c>messages</c>, Anthropic <c>messages</c>, Responses
/// <c>input</c> items): system and developer messages go to the system prompt, the last user message that
/// holds text becomes the prompt, and user, assistant and tool turns are counted.
/// </summary>
/// <remarks>
/// A user turn that carries only tool results (an agent loop step) keeps the previous user text as the
/// prompt: the task the person asked for, not the tool output the client relays.
/// </remarks>
internal static class MessageList
{
    private enum Role
    {
        None,
        System,
        User,
        Other,
    }

    /// <summary>Reads the array under <paramref name="reader"/>; false when it has the wrong shape.</summary>
    public static bool Read(ref Utf8JsonReader reader, RequestContent content)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }

        var turns = 0;
        var lastUserText = default(Utf8JsonReader);
        var haveUserText = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var role = Role.None;
            var isToolItem = false;
            var contentAt = default(Utf8JsonReader);
            var hasContent = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("role"u8))
                {
                    reader.Read();
                    role = ReadRole(ref reader);
                }
                else if (reader.ValueTextEquals("content"u8))
                {
                    reader.Read();
                    contentAt = reader;
                    hasContent = true;
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("type"u8))
                {
                    // Responses items without a role: function calls and their outputs are turns too.
                    reader.Read();
                    isToolItem = reader.TokenType == JsonTokenType.String
                        && (reader.ValueTextEquals("function_call"u8) || reader.ValueTextEquals("function_call_output"u8)
                            || reader.ValueTextEquals("custom_tool_call"u8) || reader.ValueTextEquals("custom_tool_call_output"u8));
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            switch (role)
            {
                case Role.System when hasContent:
                    if (!JsonText.AppendContent(ref contentAt, content, TextTarget.System))
                    {
                        return false;
                    }

                    break;
                case Role.User:
                    turns++;
                    if (hasContent)
                    {
                        if (JsonText.HasText(contentAt, out var valid))
                        {
                            lastUserText = contentAt;
                            haveUserText = true;
                        }
                        else if (!valid)
                        {
                            return false;
                        }
                    }

                    break;
                case Role.Other:
                    turns++;
                    break;
                case Role.None when isToolItem:
                    turns++;
                    break;
            }
        }

        if (haveUserText)
        {
            JsonText.AppendContent(ref lastUserText, content, TextTarget.Prompt);
        }

        content.TurnCount += turns;
        return true;
    }

    private static Role ReadRole(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return Role.None;
        }

        if (reader.ValueTextEquals("user"u8))
        {
            return Role.User;
        }

        return reader.ValueTextEquals("system"u8) || reader.ValueTextEquals("developer"u8) ? Role.System : Role.Other;
    }
}
