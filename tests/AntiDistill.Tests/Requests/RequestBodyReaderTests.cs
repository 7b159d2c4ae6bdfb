using System.Text;
using AntiDistill.Requests;

namespace AntiDistill.Tests.Requests;

public class RequestBodyReaderTests
{
    private static (RequestReadStatus Status, RequestContent Content) Read(string json, string path = "")
    {
        var content = new RequestContent();
        var status = RequestBodyReader.Default.Read(Encoding.UTF8.GetBytes(json), path, content);
        return (status, content);
    }

    private static string Text(ReadOnlySpan<byte> utf8) => Encoding.UTF8.GetString(utf8);

    [Fact]
    public void Read_ChatCompletions_TakesLastUserMessageSystemAndParameters()
    {
        var (status, c) = Read("""
            {"model":"m","messages":[
              {"role":"system","content":"You are terse."},
              {"role":"user","content":"first question"},
              {"role":"assistant","content":"an answer"},
              {"content":[{"text":"second","type":"text"},{"type":"image_url","image_url":{"url":"x"}},{"type":"text","text":"question"}],"role":"user"}],
             "tools":[{"type":"function"},{"type":"function"}],"max_completion_tokens":4096,"max_tokens":10,
             "reasoning_effort":"high","stream":true}
            """, "/v1/chat/completions");

        Assert.Equal(RequestReadStatus.Ok, status);
        Assert.Equal(RequestFormat.OpenAIChatCompletions, c.Format);
        Assert.Equal("second\nquestion", Text(c.Prompt));
        Assert.Equal("You are terse.", Text(c.SystemPrompt));
        Assert.Equal(3, c.TurnCount);
        Assert.Equal(2, c.ToolCount);
        Assert.Equal(4096, c.MaxOutputTokens);
        Assert.True(c.ReasoningRequested);
        Assert.True(c.Stream);
    }

    [Fact]
    public void Read_EscapedText_IsUnescaped()
    {
        var (status, c) = Read("""{"messages":[{"role":"user","content":"line\none \"quoted\" \u00e9\ud83d\ude00 tab\t"}]}""", "/v1/chat/completions");

        Assert.Equal(RequestReadStatus.Ok, status);
        Assert.Equal("line\none \"quoted\" é😀 tab\t", Text(c.Prompt));
    }

    [Fact]
    public void Read_EscapedNamesAndRoles_AreRecognized()
    {
        // Escaping a field name must not hide the conversation from scoring.
        var (status, c) = Read("""
            {"\u006dessages":[{"r\u006fle":"sy\u0073tem","content":"be brief"},{"role":"\u0075ser","\u0063ontent":"hi there"}],
             "max_\u0063ompletion_tokens":5,"\u0073tream":true}
            """, "/v1/chat/completions");

        Assert.Equal(RequestReadStatus.Ok, status);
        Assert.Equal("hi there", Text(c.Prompt));
        Assert.Equal("be brief", Text(c.SystemPrompt));
        Assert.Equal(1, c.TurnCount);
        Assert.Equal(5, c.MaxOutputTokens);
        Assert.True(c.Stream);
    }

    [Theory]
    [InlineData("/v1/messages", """{"\u0073ystem":"be brief","\u006dessages":[{"role":"user","content":"hi there"}],"max_\u0074okens":5}""")]
    [InlineData("/v1/responses", """{"\u0069nstructions":"be brief","\u0069nput":"hi there","max_output_\u0074okens":5}""")]
    public void Read_EscapedNamesInOtherFormats_AreRecognized(string path, string json)
    {
        var (status, c) = Read(json, path);

        Assert.Equal(RequestReadStatus.Ok, status);
        Assert.Equal("hi there", Text(c.Prompt));
        Assert.Equal("be brief", Text(c.SystemPrompt));
        Assert.Equal(5, c.MaxOutputTokens);
    }

    [Fact]
    public void Read_LongOrUnpairedEscapedNames_AreIgnoredNotFatal()
    {
        string longName = string.Concat(Enumerable.Repeat("\\u0061", 40)); // 240 bytes escaped: longer than any known name
        var (status, c) = Read("{\"" + longName + "\":1,\"\\ud800\":2,\"messages\":[{\"role\":\"\\ud800\",\"content\":\"x\"},"
            + "{\"role\":\"user\",\"content\":\"the prompt\"}]}", "/v1/chat/completions");

        Assert.Equal(RequestReadStatus.Ok, status);
        Assert.Equal("the prompt", Text(c.Prompt));
        Assert.Equal(2, c.TurnCount); // the unpaired-surrogate role counts as another role's turn
    }

    [Fact]
    public void Read_ToolResultOnlyTurn_KeepsLastUserText()
    {
        var (status, c) = Read("""
            {"system":[{"type":"text","text":"You are a coding agent."}],"max_tokens":8192,
             "thinking":{"type":"enabled","budget_tokens":16000},
             "messages":[
               {"role":"user","content":"Fix the failing test in parser.cs"},
               {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"read","input":{}}]},
               {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"file text"}]}]}
            """, "/v1/messages");

        Assert.Equal(RequestReadStatus.Ok, status);
        Assert.Equal(RequestFormat.AnthropicMessages, c.Format);
        Assert.Equal("Fix the failing test in parser.cs", Text(c.Prompt));
        Assert.Equal("You are a coding agent.", Text(c.SystemPrompt));
        Assert.Equal(3, c.TurnCount);
        Assert.Equal(8192, c.MaxOutputTokens);
        Assert.True(c.ReasoningRequested);
    }

    [Theory]
    [InlineData("""{"type":"disabled"}""", false)]
    [InlineData("""{"type":"adaptive"}""", true)]
    [InlineData("null", false)]
    public void Read_AnthropicThinking_SetsReasoning(string thinking, bool expected)
    {
        var (status, c) = Read($$"""{"max_tokens":10,"thinking":{{thinking}},"messages":[{"role":"user","content":"hi"}]}""", "/v1/messages");

        Assert.Equal(RequestReadStatus.Ok, status);
        Assert.Equal(expected, c.ReasoningRequested);
    }

    [Fact]
    public void Read_ResponsesWithItems_ReadsInputInstructionsAndReasoning()
    {
        var (status, c) = Read("""
            {"model":"m","instructions":"Be brief.","max_output_tokens":2000,"reasoning":{"effort":"medium"},
             "input":[
               {"type":"message","role":"user","content":[{"type":"input_text","text":"Plan a trip"}]},
               {"type":"function_call","call_id":"c1","name":"search","arguments":"{}"},
               {"type":"function_call_output","call_id":"c1","output":"results"}],
             "tools":[{"type":"function","name":"search"}]}
            """, "/v1/responses");

        Assert.Equal(RequestReadStatus.Ok, status);
        Assert.Equal(RequestFormat.OpenAIResponses, c.Format);
        Assert.Equal("Plan a trip", Text(c.Prompt));
        Assert.Equal("Be brief.", Text(c.SystemPrompt));
        Assert.Equal(3, c.TurnCount);
        Assert.Equal(1, c.ToolCount);
        Assert.Equal(2000, c.MaxOutputTokens);
        Assert.True(c.ReasoningRequested);
    }

    [Fact]
    public void Read_ResponsesStringInput_IsOneTurn()
    {
        var (status, c) = Read("""{"input":"Tell me a joke","reasoning":{"effort":"none"}}""", "/v1/responses");

        Assert.Equal(RequestReadStatus.Ok, status);
        Assert.Equal("Tell me a joke", Text(c.Prompt));
        Assert.Equal(1, c.TurnCount);
        Assert.False(c.ReasoningRequested);
    }

    [Theory]
    [InlineData("""{"input":"and then?","previous_response_id":"resp_68af"}""", true)]
    [InlineData("""{"input":"and then?","conversation":"conv_68af"}""", true)]
    [InlineData("""{"input":"and then?","conversation":{"id":"conv_68af"}}""", true)]
    [InlineData("""{"input":"and then?","previous_response_id":null}""", false)]
    [InlineData("""{"input":"and then?","previous_response_id":""}""", false)]
    [InlineData("""{"input":"and then?"}""", false)]
    public void Read_ResponsesServerSideState_ContinuesConversation(string json, bool continues)
    {
        var (status, c) = Read(json, "/v1/responses");

        Assert.Equal(RequestReadStatus.Ok, status);
        Assert.Equal(continues, c.ContinuesConversation);
        Assert.Equal(1, c.TurnCount); // the body carries the new turn only
        Assert.Equal(continues, c.ToObservation(default, default, default).ContinuesConversation);
    }

    [Theory]
    [InlineData("""{"max_tokens":5,"system":"s","messages":[{"role":"user","content":"x"}]}""", RequestFormat.AnthropicMessages)]
    [InlineData("""{"messages":[{"role":"user","content":"x"}]}""", RequestFormat.OpenAIChatCompletions)]
    [InlineData("""{"input":"x"}""", RequestFormat.OpenAIResponses)]
    public void Read_WithoutPath_ShapeDecidesFormat(string json, RequestFormat expected)
    {
        var (status, c) = Read(json);

        Assert.Equal(RequestReadStatus.Ok, status);
        Assert.Equal(expected, c.Format);
        Assert.Equal("x", Text(c.Prompt));
    }

    [Theory]
    [InlineData("", RequestReadStatus.NotJson)]
    [InlineData("not json", RequestReadStatus.NotJson)]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}", RequestReadStatus.NotJson)]
    [InlineData("[1,2,3]", RequestReadStatus.UnexpectedShape)]
    [InlineData("{\"model\":\"m\"}", RequestReadStatus.UnexpectedShape)]
    [InlineData("{\"messages\":\"hello\"}", RequestReadStatus.UnexpectedShape)]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":42}]}", RequestReadStatus.UnexpectedShape)]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":\"lots\"}", RequestReadStatus.UnexpectedShape)]
    public void Read_BadBody_ReportsStatusAndLeavesContentEmpty(string json, RequestReadStatus expected)
    {
        var (status, c) = Read(json, "/v1/chat/completions");

        Assert.Equal(expected, status);
        Assert.Equal(RequestFormat.Unknown, c.Format);
        Assert.True(c.Prompt.IsEmpty);
    }

    [Theory]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"ab\"}]}")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"ab\\n\"}]}")]
    public void Read_InvalidUtf8InPrompt_IsRejectedAsNotJsonWithoutThrowing(string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        body[json.IndexOf("ab", StringComparison.Ordinal)] = 0xC3; // a lead byte followed by ASCII: invalid UTF-8
        var content = new RequestContent();

        var status = RequestBodyReader.Default.Read(body, "/v1/chat/completions", content);

        Assert.Equal(RequestReadStatus.NotJson, status);
        Assert.True(content.Prompt.IsEmpty);
    }

    [Fact]
    public void Read_DeeplyNestedBody_IsNotJson()
    {
        var json = "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"extra\":" + new string('[', 5000) + new string(']', 5000) + "}";

        var (status, _) = Read(json, "/v1/chat/completions");

        Assert.Equal(RequestReadStatus.NotJson, status);
    }

    [AllocationFact]
    public void Read_ReusedContent_GrowsOnceThenAllocatesNothing()
    {
        var big = Encoding.UTF8.GetBytes("{\"messages\":[{\"role\":\"user\",\"content\":\"" + new string('w', 20_000) + " \\\"q\\\"\"}]}");
        var content = new RequestContent();
        RequestBodyReader.Default.Read(big, "/v1/chat/completions", content);

        long allocated = AllocationCounter.Least(() =>
        {
            for (var i = 0; i < 10; i++)
            {
                RequestBodyReader.Default.Read(big, "/v1/chat/completions", content);
            }
        });

        Assert.Equal(0, allocated);
        Assert.Equal(20_004, content.Prompt.Length);
    }

    [Fact]
    public void Read_CustomFormat_IsTriedByPath()
    {
        var reader = new RequestBodyReader([new PlainTextFormat(), .. RequestBodyReader.BuiltInFormats()]);
        var content = new RequestContent();

        var status = reader.Read("just words"u8, "/v1/plain", content);

        Assert.Equal(RequestReadStatus.Ok, status);
        Assert.Equal(RequestFormat.Custom, content.Format);
        Assert.Equal("just words", Text(content.Prompt));
    }

    private sealed class PlainTextFormat : IRequestFormatReader
    {
        public RequestFormat Format => RequestFormat.Custom;

        public bool MatchesPath(ReadOnlySpan<char> path) => path.SequenceEqual("/v1/plain");

        public bool MatchesShape(ReadOnlySpan<byte> body) => false;

        public RequestReadStatus Read(ReadOnlySpan<byte> body, RequestContent content)
        {
            content.AppendPrompt(body);
            content.TurnCount = 1;
            return RequestReadStatus.Ok;
        }
    }
}
