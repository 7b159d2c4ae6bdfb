using System.Buffers;
using System.Text.Json;
using AntiDistill.Simulation;

namespace AntiDistill.Cli.Simulate;

/// <summary>
/// Tool definitions as each API declares them, rendered once per (format, tool set, count) and then copied
/// into every body: the users of one product send byte-identical tool lists, as real ones do.
/// </summary>
internal sealed class ToolCatalog
{
    private static readonly (string Name, string Description, string[] Parameters)[] CodingAgent =
    [
        ("read_file", "Read a file from the user's repository. Returns the file's contents with line numbers. Use this before editing any file; large files are truncated to 2,000 lines unless a range is given.", ["path", "start_line", "end_line"]),
        ("write_file", "Create or overwrite a file in the repository with the given contents. Prefer apply_patch for edits to existing files so that the diff stays reviewable.", ["path", "contents"]),
        ("apply_patch", "Apply a unified diff to the repository. The patch must apply cleanly; on failure the tool returns the conflicting hunk so you can re-read the file and try again.", ["patch"]),
        ("run_tests", "Run the project's test suite, or the tests matching a filter, and return a summary with the output of failing tests.", ["filter", "verbose"]),
        ("shell", "Run a shell command in the repository root with a timeout. Output longer than 30,000 characters is truncated. Do not run interactive commands.", ["command", "timeout_ms"]),
        ("grep", "Search file contents with a regular expression. Returns matching lines with file names and line numbers, at most 200 matches.", ["pattern", "path", "case_sensitive"]),
        ("search_code", "Semantic code search over the repository index. Returns the most relevant symbols and snippets for a natural-language query.", ["query", "max_results"]),
        ("list_dir", "List the entries of a directory, with sizes, one level deep unless recursive is set.", ["path", "recursive"]),
        ("git_diff", "Show the working tree's uncommitted changes as a unified diff.", ["paths"]),
        ("git_log", "Show recent commits that touched the given paths.", ["paths", "max_count"]),
        ("open_url", "Fetch a documentation page and return it as markdown. Only public documentation hosts are allowed.", ["url"]),
        ("ask_user", "Ask the user a clarifying question and wait for the answer. Use sparingly.", ["question"]),
        ("todo_write", "Replace the task list shown to the user with the given items and their states.", ["items"]),
        ("web_search", "Search the web and return the top results with titles, URLs and snippets.", ["query"]),
    ];

    private static readonly (string Name, string Description, string[] Parameters)[] HarvestScaffold =
    [
        ("read_file", "Read a file.", ["path"]),
        ("run_command", "Run a command and return stdout and stderr.", ["command"]),
        ("write_file", "Write a file.", ["path", "content"]),
        ("search", "Search the codebase.", ["query"]),
        ("list_files", "List files.", ["path"]),
        ("submit", "Submit the final solution.", ["summary"]),
    ];

    private static readonly (string Name, string Description, string[] Parameters)[] Generic =
    [
        ("get_weather", "Get the current weather for a city.", ["city", "unit"]),
        ("search_web", "Search the web.", ["query"]),
        ("calculator", "Evaluate an arithmetic expression.", ["expression"]),
        ("send_email", "Send an e-mail on the user's behalf.", ["to", "subject", "body"]),
        ("calendar_lookup", "Find free slots in the user's calendar.", ["date"]),
        ("get_stock_price", "Get the latest price of a stock ticker.", ["ticker"]),
    ];

    private readonly Dictionary<(ApiFormat, string, int), byte[]> _rendered = [];

    /// <summary>The JSON array of <paramref name="count"/> tools of <paramref name="toolSet"/> in <paramref name="format"/>'s shape.</summary>
    public ReadOnlySpan<byte> Get(ApiFormat format, string? toolSet, int count)
    {
        var key = (format, toolSet ?? "", count);
        if (!_rendered.TryGetValue(key, out byte[]? json))
        {
            _rendered[key] = json = Render(format, toolSet switch
            {
                "coding-agent" => CodingAgent,
                "harvest-scaffold" => HarvestScaffold,
                _ => Generic,
            }, count);
        }

        return json;
    }

    private static byte[] Render(ApiFormat format, (string Name, string Description, string[] Parameters)[] tools, int count)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            for (int i = 0; i < count; i++)
            {
                var (name, description, parameters) = tools[i % tools.Length];
                if (i >= tools.Length)
                {
                    name += "_" + (i / tools.Length).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                w.WriteStartObject();
                switch (format)
                {
                    case ApiFormat.OpenAIChatCompletions:
                        w.WriteString("type", "function");
                        w.WriteStartObject("function");
                        w.WriteString("name", name);
                        w.WriteString("description", description);
                        w.WritePropertyName("parameters");
                        Schema(w, parameters);
                        w.WriteEndObject();
                        break;
                    case ApiFormat.OpenAIResponses:
                        w.WriteString("type", "function");
                        w.WriteString("name", name);
                        w.WriteString("description", description);
                        w.WritePropertyName("parameters");
                        Schema(w, parameters);
                        break;
                    default:
                        w.WriteString("name", name);
                        w.WriteString("description", description);
                        w.WritePropertyName("input_schema");
                        Schema(w, parameters);
                        break;
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void Schema(Utf8JsonWriter w, string[] parameters)
    {
        w.WriteStartObject();
        w.WriteString("type", "object");
        w.WriteStartObject("properties");
        foreach (string p in parameters)
        {
            w.WriteStartObject(p);
            bool number = p.EndsWith("_line", StringComparison.Ordinal) || p.EndsWith("_ms", StringComparison.Ordinal) || p.StartsWith("max_", StringComparison.Ordinal);
            bool flag = p is "verbose" or "recursive" or "case_sensitive";
            w.WriteString("type", number ? "integer" : flag ? "boolean" : "string");
            w.WriteString("description", "The " + p.Replace('_', ' ') + ".");
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteStartArray("required");
        w.WriteStringValue(parameters[0]);
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
