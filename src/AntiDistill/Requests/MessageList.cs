using System.Runtime.CompilerServices;
using System.Text.Json;

namespace AntiDistill.Requests;

/// <summary>
/// Reads a conversation array (Chat Completions <c>messages</c>, Anthropic <c>messages</c>, Responses
/// <c>input</c> items): system and developer messages go to the system prompt, the last user message that
/// holds text becomes the prompt, the first one keys the conversation (<see cref="ConversationKey"/>), and user,
/// assistant and tool turns are counted.
/// </summary>
/// <remarks>
/// A user turn that carries only tool results (an agent loop step) keeps the previous user text as the
/// prompt: the task the person asked for, not the tool output the client relays.
/// </remarks>
[SkipLocalsInit]
internal static class MessageList
{
    private enum ContentKind
    {
        None,
        Plain, // an unescaped string: its span is the text
        AtReader, // anything else: walked from a copy of the reader
    }

    private enum Role
    {
        None,
        System,
        User,
        Other,
    }

    /// <summary>Reads the array under <paramref name="reader"/>; false when it has the wrong shape.</summary>
    /// <remarks>
    /// A content that is a plain string (the common case) is remembered as its span; only an array of parts or an
    /// escaped string keeps a copy of the reader (a large struct) to walk or unescape later. Both give the same text.
    /// </remarks>
    public static bool Read(ref Utf8JsonReader reader, RequestContent content)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }

        var turns = 0;
        ulong conversation = 0;
        Span<byte> scratch = stackalloc byte[JsonText.NameScratchBytes];
        var lastUser = default(ContentValue);
        var lastUserAt = default(Utf8JsonReader);
        var contentAt = default(Utf8JsonReader);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var role = Role.None;
            var isToolItem = false;
            var value = default(ContentValue);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = JsonText.Text(ref reader, scratch);
                if (name.SequenceEqual("role"u8))
                {
                    reader.Read();
                    role = ReadRole(ref reader, scratch);
                }
                else if (name.SequenceEqual("content"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped)
                    {
                        value = new ContentValue(ContentKind.Plain, reader.ValueSpan);
                    }
                    else
                    {
                        value = new ContentValue(ContentKind.AtReader, default);
                        contentAt = reader;
                        reader.Skip();
                    }
                }
                else if (name.SequenceEqual("type"u8))
                {
                    // Responses items without a role: function calls and their outputs are turns too.
                    reader.Read();
                    isToolItem = reader.TokenType == JsonTokenType.String
                        && (JsonText.TextEquals(in reader, "function_call"u8) || JsonText.TextEquals(in reader, "function_call_output"u8)
                            || JsonText.TextEquals(in reader, "custom_tool_call"u8) || JsonText.TextEquals(in reader, "custom_tool_call_output"u8));
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            switch (role)
            {
                case Role.System when value.Kind == ContentKind.Plain:
                    JsonText.AppendUnescaped(value.Text, content, TextTarget.System);
                    break;
                case Role.System when value.Kind == ContentKind.AtReader:
                    if (!JsonText.AppendContent(ref contentAt, content, TextTarget.System))
                    {
                        return false;
                    }

                    break;
                case Role.User:
                    turns++;
                    if (value.Kind == ContentKind.Plain)
                    {
                        if (!value.Text.IsEmpty)
                        {
                            lastUser = value;
                            conversation = conversation != 0 ? conversation : ConversationKey.Of(value.Text);
                        }
                    }
                    else if (value.Kind == ContentKind.AtReader)
                    {
                        if (JsonText.HasText(contentAt, out var valid))
                        {
                            lastUser = value;
                            lastUserAt = contentAt;
                            conversation = conversation != 0 ? conversation : ConversationKey.At(contentAt);
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

        if (lastUser.Kind == ContentKind.Plain)
        {
            JsonText.AppendUnescaped(lastUser.Text, content, TextTarget.Prompt);
        }
        else if (lastUser.Kind == ContentKind.AtReader)
        {
            JsonText.AppendContent(ref lastUserAt, content, TextTarget.Prompt);
        }

        content.TurnCount += turns;
        content.Conversation = conversation;
        return true;
    }

    private static Role ReadRole(ref Utf8JsonReader reader, scoped Span<byte> scratch)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return Role.None;
        }

        var role = JsonText.Text(ref reader, scratch);
        if (role.SequenceEqual("user"u8))
        {
            return Role.User;
        }

        return role.SequenceEqual("system"u8) || role.SequenceEqual("developer"u8) ? Role.System : Role.Other;
    }

    /// <summary>A message's content: its text when it is a plain string, else where a reader copy stands.</summary>
    private readonly ref struct ContentValue(ContentKind kind, ReadOnlySpan<byte> text)
    {
        public ContentKind Kind { get; } = kind;

        public ReadOnlySpan<byte> Text { get; } = text;
    }
}
