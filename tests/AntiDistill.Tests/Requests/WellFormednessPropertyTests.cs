using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using AntiDistill.Requests;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace AntiDistill.Tests.Requests;

/// <summary>
/// Differential: the reader refuses as malformed (<see cref="RequestReadStatus.NotJson"/>) exactly the bodies that
/// System.Text.Json refuses when an endpoint parses the request stream with default options, with one documented
/// exception: invalid UTF-8, which JsonDocument does not look for inside strings.
/// </summary>
public class WellFormednessPropertyTests
{
    private static readonly string[] Paths = ["", "/v1/chat/completions", "/v1/responses", "/v1/messages"];

    private static readonly string[] Seeds =
    [
        """{"model":"m","messages":[{"role":"system","content":"Be \"terse\"."},{"role":"user","content":"hi \u00e9 \ud83d\ude00"}],"max_tokens":100,"stream":false}""",
        """{"model":"m","input":[{"role":"user","content":[{"type":"input_text","text":"a\nb"}]}],"reasoning":{"effort":"high"},"max_output_tokens":1e3}""",
        """{"model":"m","system":[{"type":"text","text":"s"}],"messages":[{"role":"user","content":"q\ud800"}],"thinking":{"type":"enabled","budget_tokens":10},"max_tokens":-1.5E+2}""",
        """{"input":"plain","tools":[{"type":"function","parameters":{"a":[1,2.5,true,null,{}]}}],"instructions":null}""",
        "[1,{\"a\":\"b\"},\"c\"]",
    ];

    // Bytes and fragments that turn well-formed JSON into malformed JSON (or into other well-formed JSON) at random places.
    private static readonly byte[][] Fragments =
    [
        [0xEF, 0xBB, 0xBF], "\\ud800"u8.ToArray(), "\\udc00"u8.ToArray(), "\\u00"u8.ToArray(), "\\"u8.ToArray(), "\""u8.ToArray(),
        " "u8.ToArray(), "\n"u8.ToArray(), "x"u8.ToArray(), "{"u8.ToArray(), "}"u8.ToArray(), "["u8.ToArray(), "]"u8.ToArray(),
        ","u8.ToArray(), ":"u8.ToArray(), "1e5"u8.ToArray(), "-"u8.ToArray(), "null"u8.ToArray(), "/*c*/"u8.ToArray(),
        [0xC3], [0xFF], [0x00], [0x1F], "\u00e9"u8.ToArray(), "{}"u8.ToArray(), "\"k\":1,"u8.ToArray(),
    ];

    [Property(MaxTest = 3000)]
    public Property Read_MutatedBodies_RefusesExactlyWhatSystemTextJsonRefuses()
    {
        var mutation = Gen.Choose(0, 3).SelectMany(kind => Gen.Choose(0, int.MaxValue).SelectMany(at =>
            Gen.Choose(0, Fragments.Length - 1).Select(fragment => (Kind: kind, At: at, Fragment: fragment))));
        var generator = Gen.Choose(0, Seeds.Length - 1).SelectMany(seed => Gen.ListOf(mutation).SelectMany(mutations =>
            Gen.Choose(0, Paths.Length - 1).Select(path => (Seed: seed, Mutations: mutations.Take(5).ToArray(), Path: path))));
        return Prop.ForAll(generator.ToArbitrary(), input =>
        {
            var (seed, mutations, pathIndex) = input;
            var body = Mutate(Encoding.UTF8.GetBytes(Seeds[seed]), mutations);
            var content = new RequestContent();
            bool refused = RequestBodyReader.Default.Read(body, Paths[pathIndex], content) == RequestReadStatus.NotJson;
            bool refusedByJson = !ParsesAsAnEndpointWould(body);

            // The one exception: invalid UTF-8 (in a string JsonDocument never decodes) that the reader refuses.
            bool documentedException = refused && !refusedByJson && !Utf8.IsValid(body);
            return (refused == refusedByJson || documentedException)
                .Label($"body {Convert.ToHexString(body)} ({Encoding.UTF8.GetString(body)}), path '{Paths[pathIndex]}': reader refused {refused}, System.Text.Json refused {refusedByJson}");
        });
    }

    /// <summary>The prompt's text, every character escaped or not at random: what Encoding.UTF8 makes of it, lone surrogates as U+FFFD.</summary>
    [Property(MaxTest = 1000)]
    public Property Read_AnyTextAnyEscaping_ReadsAsItsUtf8WithLoneSurrogatesReplaced()
    {
        // Surrogates a third of the time: a plain string generator rarely makes a lone one.
        var character = Gen.OneOf(Gen.Choose(0x20, 0x7E), Gen.Choose(0, 0xFFFF), Gen.Choose(0xD800, 0xDFFF)).Select(c => (char)c);
        var generator = Gen.ListOf(character).Select(chars => new string([.. chars])).SelectMany(text =>
            ArbMap.Default.GeneratorFor<ulong>().Select(mask => (Text: text, Mask: mask)));
        return Prop.ForAll(generator.ToArbitrary(), input =>
        {
            var (text, escapeMask) = input;
            var body = new List<byte>("{\"messages\":[{\"role\":\"user\",\"content\":\""u8.ToArray());
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                bool escape = char.IsSurrogate(c) || c < 0x20 || c is '"' or '\\' || ((escapeMask >> (i % 64)) & 1) != 0;
                body.AddRange(escape ? Encoding.ASCII.GetBytes($"\\u{(int)c:x4}") : Encoding.UTF8.GetBytes(c.ToString()));
            }

            body.AddRange("\"}]}"u8.ToArray());
            var content = new RequestContent();
            var status = RequestBodyReader.Default.Read([.. body], "/v1/chat/completions", content);

            return (status == RequestReadStatus.Ok && content.Prompt.SequenceEqual(Encoding.UTF8.GetBytes(text)))
                .Label($"{Encoding.UTF8.GetString([.. body])}: {status}, prompt {Convert.ToHexString(content.Prompt)}");
        });
    }

    /// <summary>As an endpoint reads a request: <see cref="JsonDocument.Parse(Stream, JsonDocumentOptions)"/>, default options.</summary>
    private static bool ParsesAsAnEndpointWould(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(new MemoryStream(body));
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static byte[] Mutate(byte[] body, IEnumerable<(int Kind, int At, int Fragment)> mutations)
    {
        var bytes = new List<byte>(body);
        foreach (var (kind, at, fragment) in mutations)
        {
            int position = at % (bytes.Count + 1);
            switch (kind)
            {
                case 0:
                    bytes.InsertRange(position, Fragments[fragment]);
                    break;
                case 1 when position < bytes.Count:
                    bytes.RemoveAt(position);
                    break;
                case 2:
                    bytes.AddRange(Fragments[fragment]); // after the object: trailing content
                    break;
                default:
                    bytes.InsertRange(0, Fragments[fragment]); // before it: a byte order mark among others
                    break;
            }
        }

        return [.. bytes];
    }
}
