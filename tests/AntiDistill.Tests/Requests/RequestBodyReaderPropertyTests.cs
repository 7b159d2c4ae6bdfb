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

    private static string Serialize(string prompt) =>
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":" + JsonSerializer.Serialize(prompt) + "}],\"max_tokens\":100}";
}
