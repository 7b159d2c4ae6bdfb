using System.Text;
using AntiDistill.Requests;

namespace AntiDistill.Tests.Requests;

/// <summary>What the reader calls well-formed: what the endpoint's own parser (System.Text.Json, default options) accepts.</summary>
public class WellFormednessTests
{
    private const string Chat = """{"model":"m","messages":[{"role":"user","content":"hello there"}],"max_tokens":100}""";

    private static RequestReadStatus Read(byte[] body, string path, out RequestContent content)
    {
        content = new RequestContent();
        return RequestBodyReader.Default.Read(body, path, content);
    }

    private static RequestReadStatus Read(string json, string path, out RequestContent content) => Read(Encoding.UTF8.GetBytes(json), path, out content);

    [Theory]
    [InlineData("")]
    [InlineData("/v1/chat/completions")]
    public void Read_LeadingByteOrderMark_ReadsAsWithout(string path)
    {
        var status = Read([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Chat)], path, out var content);

        Assert.Equal(RequestReadStatus.Ok, status);
        Assert.Equal("hello there", Encoding.UTF8.GetString(content.Prompt));
    }

    [Theory]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF })] // the stream overloads skip one mark, not two
    [InlineData(new byte[] { 0x20, 0xEF, 0xBB, 0xBF })] // nor one after whitespace
    [InlineData(new byte[] { 0xEF, 0xBB })] // nor half of one
    public void Read_ByteOrderMarkNotAloneAtTheStart_NotJson(byte[] prefix)
    {
        Assert.Equal(RequestReadStatus.NotJson, Read([.. prefix, .. Encoding.UTF8.GetBytes(Chat)], "/v1/chat/completions", out _));
    }

    [Theory]
    [InlineData(@"a\ud800b", "a\uFFFDb")]
    [InlineData(@"\udc00", "\uFFFD")]
    [InlineData(@"\ud800\ud800\udc00", "\uFFFD\U00010000")] // a lone high surrogate, then a pair
    [InlineData(@"\udc00\ud800", "\uFFFD\uFFFD")] // a pair the wrong way round is two lone halves
    [InlineData(@"\ud800\n\u00e9", "\uFFFD\né")]
    public void Read_EscapedLoneSurrogateInPrompt_OkWithReplacementCharacter(string escaped, string expected)
    {
        var status = Read("{\"messages\":[{\"role\":\"user\",\"content\":\"" + escaped + "\"}]}", "/v1/chat/completions", out var content);

        Assert.Equal(RequestReadStatus.Ok, status);
        Assert.Equal(expected, Encoding.UTF8.GetString(content.Prompt));
    }

    /// <summary>Every place a reader compares a name or a value against a known one, spelled with a lone surrogate.</summary>
    [Theory]
    [InlineData("/v1/chat/completions", """{"messages":[{"role":"user","content":"q"}],"reasoning_effort":"\ud800\ud800"}""")]
    [InlineData("/v1/chat/completions", """{"max_\ud800":1,"messages":[{"role":"user","content":[{"typ\ud800":"x","text":"q"}]}]}""")]
    [InlineData("/v1/responses", """{"input":[{"type":"function_\ud800"},{"role":"user","content":"q"}],"reasoning":{"effort":"\ud800"}}""")]
    [InlineData("/v1/responses", """{"input":"q","reasoning":{"effor\ud800":"high"}}""")]
    [InlineData("/v1/messages", """{"messages":[{"role":"user","content":"q"}],"thinking":{"typ\ud800":"x","type":"\ud800\ud800\ud800"}}""")]
    [InlineData("", """{"messag\ud800":1,"messages":[{"role":"user","content":"q"}],"syste\ud800":"x"}""")]
    public void Read_LoneSurrogateInNamesAndValues_OkWithoutThrowing(string path, string json)
    {
        var status = Read(json, path, out var content);

        Assert.Equal(RequestReadStatus.Ok, status);
        Assert.Equal("q", Encoding.UTF8.GetString(content.Prompt));
    }

    [Theory]
    [InlineData(" x")]
    [InlineData("{}")]
    [InlineData(",")]
    [InlineData("}")]
    [InlineData(" // comment")]
    [InlineData("\u0000")]
    public void Read_ContentAfterTheObject_NotJson(string trailing)
    {
        foreach (var path in (string[])["", "/v1/chat/completions", "/v1/responses", "/v1/messages"])
        {
            string body = path == "/v1/responses" ? """{"input":"q"}""" : Chat;

            Assert.Equal(RequestReadStatus.NotJson, Read(body + trailing, path, out var content));
            Assert.True(content.Prompt.IsEmpty);
        }
    }

    [Fact]
    public void Read_WhitespaceAfterTheObject_Ok()
    {
        Assert.Equal(RequestReadStatus.Ok, Read(Chat + " \r\n\t ", "/v1/chat/completions", out _));
    }

    [Theory]
    [InlineData("""{"messages":"hello"}""", RequestReadStatus.UnexpectedShape)]
    [InlineData("""{"messages":"hello",""", RequestReadStatus.NotJson)]
    [InlineData("""{"messages":"hello"} x""", RequestReadStatus.NotJson)]
    [InlineData("""{"messages":[1],"x":[}""", RequestReadStatus.NotJson)]
    public void Read_WrongShape_UnexpectedShapeOnlyWhenWellFormed(string json, RequestReadStatus expected)
    {
        Assert.Equal(expected, Read(json, "/v1/chat/completions", out _));
    }

    [Theory]
    [InlineData("[1,2]", RequestReadStatus.UnexpectedShape)]
    [InlineData("\"text\"", RequestReadStatus.UnexpectedShape)]
    [InlineData("{\"a\":1}", RequestReadStatus.UnexpectedShape)]
    [InlineData("{\"a\":", RequestReadStatus.NotJson)]
    [InlineData("{\"a\":1} 2", RequestReadStatus.NotJson)]
    public void Read_NoFormatMatches_UnexpectedShapeOnlyWhenWellFormed(string json, RequestReadStatus expected)
    {
        Assert.Equal(expected, Read(json, "", out _));
    }
}
