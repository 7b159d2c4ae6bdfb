using System.Text;
using AntiDistill.Requests;
using FsCheck;
using FsCheck.Xunit;

namespace AntiDistill.Tests.Requests;

/// <summary>
/// <see cref="RequestContent.Conversation"/>: every turn of a conversation carries the same key (its first user message),
/// other conversations another, in every wire format.
/// </summary>
public class ConversationKeyTests
{
    private static ulong KeyOf(string json, string path)
    {
        var content = new RequestContent();
        Assert.Equal(RequestReadStatus.Ok, RequestBodyReader.Default.Read(Encoding.UTF8.GetBytes(json), path, content));
        Assert.Equal(content.Conversation, content.ToObservation(default, default, default).Conversation);
        return content.Conversation;
    }

    private static string Chat(params string[] turns) =>
        "{\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"}"
        + string.Concat(turns.Select((t, i) => $",{{\"role\":\"{(i % 2 == 0 ? "user" : "assistant")}\",\"content\":\"{t}\"}}")) + "]}";

    [Theory]
    [InlineData("/v1/chat/completions")]
    [InlineData("/v1/messages")]
    public void Read_LaterTurnsOfOneConversation_SameKeyAsItsFirst(string path)
    {
        string prefix = path == "/v1/messages" ? "{\"max_tokens\":9," : "{";
        string first = Chat("How do tides work?").Replace("{\"messages\"", prefix + "\"messages\"", StringComparison.Ordinal);
        string third = Chat("How do tides work?", "The moon pulls...", "And why two a day?").Replace("{\"messages\"", prefix + "\"messages\"", StringComparison.Ordinal);
        string other = Chat("Why is the sky blue?", "Rayleigh...", "And why two a day?").Replace("{\"messages\"", prefix + "\"messages\"", StringComparison.Ordinal);

        ulong key = KeyOf(first, path);
        Assert.NotEqual(0UL, key);
        Assert.Equal(key, KeyOf(third, path));
        Assert.NotEqual(key, KeyOf(other, path)); // the same last question, another conversation
    }

    [Fact]
    public void Read_ContentPartsAndEscapes_KeyedByTheFirstTextPart()
    {
        const string Parts = """{"max_tokens":9,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"url","url":"u"}},{"type":"text","text":"line\none"}]}""";
        ulong first = KeyOf(Parts + "]}", "/v1/messages");
        ulong later = KeyOf(Parts + """,{"role":"assistant","content":"ok"},{"role":"user","content":[{"type":"text","text":"more"}]}]}""", "/v1/messages");
        ulong otherText = KeyOf(Parts.Replace("line\\none", "line\\ntwo", StringComparison.Ordinal) + "]}", "/v1/messages");

        Assert.NotEqual(0UL, first);
        Assert.Equal(first, later);
        Assert.NotEqual(first, otherText);
    }

    [Theory]
    [InlineData("""{"input":"Tell me a joke"}""", true)]
    [InlineData("""{"input":[{"role":"user","content":"Tell me a joke"}]}""", true)]
    [InlineData("""{"input":"and then?","previous_response_id":"resp_68af"}""", false)]
    [InlineData("""{"previous_response_id":"resp_68af","input":[{"role":"user","content":"and then?"}]}""", false)]
    public void Read_Responses_KeyedUnlessTheServerKeepsTheConversation(string json, bool keyed)
    {
        // A continued conversation's body holds only the new turn: keying it by that would make every turn a conversation of its own.
        Assert.Equal(keyed, KeyOf(json, "/v1/responses") != 0);
    }

    [Fact]
    public void Read_NoUserText_NoKey()
    {
        Assert.Equal(0UL, KeyOf("""{"messages":[{"role":"system","content":"s"},{"role":"user","content":""}]}""", "/v1/chat/completions"));
    }

    [Property(MaxTest = 200)]
    public bool Read_ArbitraryFirstMessages_KeyDependsOnTheFirstMessageOnly(NonEmptyString first, NonEmptyString answer, NonEmptyString next)
    {
        // Any text a client sends (quotes, escapes, non-ASCII), serialized as a client would: the key follows the first message.
        string Json(params string[] turns) => System.Text.Json.JsonSerializer.Serialize(new
        {
            messages = turns.Select((t, i) => new { role = i % 2 == 0 ? "user" : "assistant", content = t }),
        });
        ulong one = KeyOf(Json(first.Get), "/v1/chat/completions");
        ulong three = KeyOf(Json(first.Get, answer.Get, next.Get), "/v1/chat/completions");
        return one != 0 && one == three;
    }
}
