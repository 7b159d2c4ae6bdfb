using System.Text;
using System.Text.Json;
using AntiDistill.Requests;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace AntiDistill.Tests.Requests;

public class RequestBodyReaderPropertyTests
{
    private static readonly string[] Paths = ["", "/v1/chat/completions", "/v1/responses", "/v1/messages"];

    [Property(MaxTest = 500)]
    public void Read_ArbitraryBytes_NeverThrowsAndEmptiesContentOnFailure(byte[] body, int pathIndex)
    {
        var content = new RequestContent();
        var status = RequestBodyReader.Default.Read(body, Paths[(pathIndex & int.MaxValue) % Paths.Length], content);

        Assert.True(status == RequestReadStatus.Ok || content.Prompt.IsEmpty);
    }

    [Property(MaxTest = 300)]
    public void Read_ValidBodyCutShort_NeverThrows(NonEmptyString text, PositiveInt cut)
    {
        var body = Encoding.UTF8.GetBytes(Serialize(text.Get));
        var truncated = body.AsSpan(0, Math.Min(body.Length, cut.Get % (body.Length + 1)));
        var content = new RequestContent();

        var status = RequestBodyReader.Default.Read(truncated, "/v1/chat/completions", content);

        Assert.True(truncated.Length == body.Length ? status == RequestReadStatus.Ok : status != RequestReadStatus.Ok);
    }

    [Property(MaxTest = 1000)]
    public void Read_ValidBodyWithOneByteMutated_NeverThrows(NonEmptyString text, PositiveInt at, byte value, int pathIndex)
    {
        // Mutating valid bodies reaches the reader's deep paths (escapes, UTF-8 inside strings) that random bytes never do.
        var body = Encoding.UTF8.GetBytes(Serialize(text.Get + "\n\"q\" é"));
        body[at.Get % body.Length] = value;
        var content = new RequestContent();

        var status = RequestBodyReader.Default.Read(body, Paths[(pathIndex & int.MaxValue) % Paths.Length], content);

        Assert.True(status == RequestReadStatus.Ok || content.Prompt.IsEmpty);
    }

    [Property(MaxTest = 500)]
    public Property Read_AnyPromptText_RoundTripsThroughJsonEscaping()
    {
        // Lone surrogates cannot be encoded as UTF-8; the serializer would replace them.
        var text = ArbMap.Default.GeneratorFor<string>()
            .Where(s => s is not null && !s.Any(char.IsSurrogate));
        return Prop.ForAll(text.ToArbitrary(), s =>
        {
            var content = new RequestContent();
            var status = RequestBodyReader.Default.Read(Encoding.UTF8.GetBytes(Serialize(s)), "/v1/chat/completions", content);
            return status == RequestReadStatus.Ok && Encoding.UTF8.GetString(content.Prompt) == s;
        });
    }

    [Property(MaxTest = 1000)]
    public bool Read_StringContent_ReadsLikeTheSameTextAsOnePart(NonNull<string>[] texts, byte[] shapes, int pathIndex)
    {
        // Plain string contents take a shortcut (their span, no reader copy); a one-part array takes the general walk.
        // Same roles, texts, escaping and invalid UTF-8 in both: the reader must not tell them apart.
        string path = Paths[(pathIndex & int.MaxValue) % Paths.Length];
        var asString = new RequestContent();
        var asPart = new RequestContent();

        var stringStatus = RequestBodyReader.Default.Read(Conversation(texts, shapes, parts: false), path, asString);
        var partStatus = RequestBodyReader.Default.Read(Conversation(texts, shapes, parts: true), path, asPart);

        return stringStatus == partStatus
            && asString.Prompt.SequenceEqual(asPart.Prompt)
            && asString.SystemPrompt.SequenceEqual(asPart.SystemPrompt)
            && asString.TurnCount == asPart.TurnCount;
    }

    private static readonly string[] Roles = ["system", "developer", "user", "assistant", "tool", "User", ""];

    // Each message's shape byte: role (low 3 bits), ASCII-only escaping of the text, invalid UTF-8 inside it,
    // and a null or missing content.
    private static byte[] Conversation(NonNull<string>[] texts, byte[] shapes, bool parts)
    {
        var relaxed = new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var body = new List<byte>(Encoding.UTF8.GetBytes("{\"model\":\"m\",\"messages\":["));
        for (int i = 0; i < texts.Length; i++)
        {
            byte shape = shapes.Length == 0 ? (byte)2 : shapes[i % shapes.Length];
            string role = Roles[(shape & 7) % Roles.Length];
            body.AddRange(Encoding.UTF8.GetBytes((i > 0 ? "," : "") + (role.Length == 0 ? "{" : "{\"role\":\"" + role + "\",")));
            if ((shape & 0xC0) == 0xC0)
            {
                body.AddRange(Encoding.UTF8.GetBytes("\"content\":null}"));
                continue;
            }

            if ((shape & 0xC0) == 0x80)
            {
                body.AddRange(Encoding.UTF8.GetBytes("\"name\":\"x\"}"));
                continue;
            }

            var text = new List<byte>(Encoding.UTF8.GetBytes(
                (shape & 8) != 0 ? JsonSerializer.Serialize(texts[i].Get) : JsonSerializer.Serialize(texts[i].Get, relaxed)));
            if ((shape & 0x30) == 0x30)
            {
                text.InsertRange(text.Count - 1, [0xC3, 0x28]); // invalid UTF-8 before the closing quote
            }

            body.AddRange(Encoding.UTF8.GetBytes(parts ? "\"content\":[{\"type\":\"text\",\"text\":" : "\"content\":"));
            body.AddRange(text);
            body.AddRange(Encoding.UTF8.GetBytes(parts ? "}]}" : "}"));
        }

        body.AddRange(Encoding.UTF8.GetBytes("],\"max_tokens\":100}"));
        return [.. body];
    }

    private static string Serialize(string prompt) =>
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":" + JsonSerializer.Serialize(prompt) + "}],\"max_tokens\":100}";
}
