using System.Text.Json;

namespace AntiDistill.Simulation;

/// <summary>A prompt and the corpus it came from.</summary>
/// <param name="Text">The prompt.</param>
/// <param name="Source">The corpus name (e.g. <c>gsm8k_questions</c>, or <c>builtin:math</c>).</param>
public readonly record struct CorpusPrompt(string Text, string Source);

/// <summary>Prompts by kind, from the shared public corpora when available, else from a built-in generator.</summary>
public sealed class PromptLibrary
{
    private static readonly Dictionary<string, PromptKind> KindBySource = new(StringComparer.Ordinal)
    {
        ["awesome_chatgpt_prompts"] = PromptKind.Organic,
        ["selfinstruct_user_oriented"] = PromptKind.Organic,
        ["hh_rlhf_harmless_first_turns"] = PromptKind.Organic,
        ["arena_hard"] = PromptKind.Organic,
        ["nq_open_queries"] = PromptKind.Organic,
        ["gsm8k_questions"] = PromptKind.Math,
        ["bbh_inputs"] = PromptKind.Reasoning,
        ["flan_cot_forward"] = PromptKind.Reasoning,
        ["flan_cot_inverse"] = PromptKind.Reasoning,
        ["humaneval_prompts"] = PromptKind.Coding,
        ["gpteacher_codegen"] = PromptKind.Coding,
        ["gpteacher_toolformer"] = PromptKind.Agentic,
        ["glaive_toolcall_first_turns"] = PromptKind.Agentic,
        ["toolbench_queries"] = PromptKind.Agentic,
        ["gpteacher_roleplay"] = PromptKind.Roleplay,
        ["swebench_lite_issues"] = PromptKind.Issue,
    };

    private readonly Dictionary<PromptKind, List<CorpusPrompt>> _byKind;

    private readonly Dictionary<PromptKind, List<CorpusPrompt>[]> _sourcesByKind;

    private PromptLibrary(Dictionary<PromptKind, List<CorpusPrompt>> byKind, bool fromCorpora)
    {
        _byKind = byKind;
        _sourcesByKind = byKind.ToDictionary(kv => kv.Key, kv => kv.Value.GroupBy(p => p.Source).Select(g => g.ToList()).ToArray());
        FromCorpora = fromCorpora;
    }

    /// <summary>Whether the prompts come from the shared corpora (rather than the built-in generator).</summary>
    public bool FromCorpora { get; }

    /// <summary>The corpus names in use.</summary>
    public IEnumerable<string> Sources => _byKind.Values.SelectMany(l => l).Select(p => p.Source).Distinct();

    /// <summary>Loads every known corpus (JSONL of <c>{"text","source"}</c>) from a directory; kinds no file covers fall back to the built-in generator.</summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    public static PromptLibrary Load(string corporaDirectory, int seed = 1)
    {
        if (!Directory.Exists(corporaDirectory))
        {
            throw new DirectoryNotFoundException($"No corpora directory at '{corporaDirectory}'.");
        }

        var byKind = new Dictionary<PromptKind, List<CorpusPrompt>>();
        foreach (var (name, kind) in KindBySource)
        {
            string path = Path.Combine(corporaDirectory, name + ".jsonl");
            if (!File.Exists(path))
            {
                continue;
            }

            var list = byKind.TryGetValue(kind, out var l) ? l : byKind[kind] = [];
            foreach (string line in File.ReadLines(path))
            {
                if (TryReadText(line) is { Length: > 0 } text)
                {
                    list.Add(new CorpusPrompt(text, name));
                }
            }
        }

        var builtIn = BuiltIn(seed);
        foreach (PromptKind kind in Enum.GetValues<PromptKind>())
        {
            if (!byKind.TryGetValue(kind, out var list) || list.Count == 0)
            {
                byKind[kind] = builtIn._byKind[kind];
            }
        }

        return new PromptLibrary(byKind, fromCorpora: true);
    }

    /// <summary>A library generated from templates and word lists, so that simulations run from a fresh clone.</summary>
    public static PromptLibrary BuiltIn(int seed = 1)
    {
        var rng = new Random(seed);
        var byKind = new Dictionary<PromptKind, List<CorpusPrompt>>();
        foreach (PromptKind kind in Enum.GetValues<PromptKind>())
        {
            var list = new List<CorpusPrompt>(2000);
            for (int i = 0; i < 2000; i++)
            {
                list.Add(new CorpusPrompt(BuiltInPrompts.Make(kind, rng), "builtin:" + kind.ToString().ToLowerInvariant()));
            }

            byKind[kind] = list;
        }

        return new PromptLibrary(byKind, fromCorpora: false);
    }

    /// <summary>A random prompt of the given kind: first a source uniformly, then an item of it, so that a large corpus does not crowd out the small ones.</summary>
    public CorpusPrompt Pick(PromptKind kind, Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var sources = _sourcesByKind[kind];
        var list = sources[rng.Next(sources.Length)];
        return list[rng.Next(list.Count)];
    }

    /// <summary>A random prompt of the given kind from one source only, when the library has it; any of the kind otherwise.</summary>
    public CorpusPrompt Pick(PromptKind kind, string source, Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        foreach (var list in _sourcesByKind[kind])
        {
            if (list[0].Source == source)
            {
                return list[rng.Next(list.Count)];
            }
        }

        return Pick(kind, rng);
    }

    /// <summary>The sources available for a kind.</summary>
    public IReadOnlyList<string> SourcesOf(PromptKind kind) => _byKind[kind].Select(p => p.Source).Distinct().ToList();

    private static string? TryReadText(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            return doc.RootElement.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
