using System.Text.Json;
using Json.Schema;

namespace AntiDistill.Testing;

/// <summary>
/// The official STIX 2.1 JSON schemas (../shared/data/stix2.1-json-schemas), loaded once: a bundle is valid when it passes
/// <c>common/bundle.json</c> and each of its objects passes the schema of its own type (the bundle schema lets an object
/// it does not list, such as an extension-definition, through as a custom object).
/// </summary>
internal static class StixSchemas
{
    private static readonly Lazy<(Dictionary<string, JsonSchema> ByType, JsonSchema Bundle)> Loaded = new(Load);

    public static string Folder => SharedData.Path("data", "stix2.1-json-schemas");

    /// <summary>Every schema error, as "where: what"; empty when valid.</summary>
    public static List<string> Errors(byte[] bundle)
    {
        var (byType, bundleSchema) = Loaded.Value;
        using var document = JsonDocument.Parse(bundle);
        var errors = new List<string>();
        Collect(bundleSchema.Evaluate(document.RootElement, Options), "bundle", errors);
        foreach (var item in document.RootElement.GetProperty("objects").EnumerateArray())
        {
            string type = item.GetProperty("type").GetString()!;
            string id = item.GetProperty("id").GetString()!;
            if (byType.TryGetValue(type, out var schema))
            {
                Collect(schema.Evaluate(item, Options), id, errors);
            }
            else if (!type.StartsWith("x-", StringComparison.Ordinal))
            {
                errors.Add($"{id}: no official schema for type {type}");
            }
        }

        return errors;
    }

    /// <summary>Errors of one STIX object (not a bundle) against its type's schema.</summary>
    public static List<string> ObjectErrors(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var errors = new List<string>();
        string type = document.RootElement.GetProperty("type").GetString()!;
        Collect(Loaded.Value.ByType[type].Evaluate(document.RootElement, Options), type, errors);
        return errors;
    }

    /// <summary>Errors of a JSON value against a schema file of our own (draft 2020-12).</summary>
    public static List<string> ErrorsAgainst(string schemaFile, JsonElement instance)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(schemaFile));
        var schema = JsonSchema.Build(document.RootElement, new BuildOptions { SchemaRegistry = new SchemaRegistry() }, null);
        var errors = new List<string>();
        Collect(schema.Evaluate(instance, Options), System.IO.Path.GetFileName(schemaFile), errors);
        return errors;
    }

    private static EvaluationOptions Options => new() { OutputFormat = OutputFormat.List };

    private static void Collect(EvaluationResults results, string where, List<string> errors)
    {
        if (results.IsValid)
        {
            return;
        }

        foreach (var detail in results.Details ?? [])
        {
            if (detail.Errors is { Count: > 0 } e)
            {
                errors.Add($"{where} {detail.InstanceLocation}: {string.Join("; ", e.Values)}");
            }
        }

        if (errors.Count == 0)
        {
            errors.Add($"{where}: invalid");
        }
    }

    private static (Dictionary<string, JsonSchema>, JsonSchema) Load()
    {
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        var byType = new Dictionary<string, JsonSchema>(StringComparer.Ordinal);
        JsonSchema? bundle = null;
        var documents = new List<JsonDocument>();
        foreach (string file in Directory.EnumerateFiles(System.IO.Path.Combine(Folder, "schemas"), "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var document = JsonDocument.Parse(File.ReadAllBytes(file));
            documents.Add(document); // the schemas keep references into their documents
            var schema = JsonSchema.Build(document.RootElement, options, null);
            string name = System.IO.Path.GetFileNameWithoutExtension(file);
            if (name == "bundle")
            {
                bundle = schema;
            }
            else if (System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(file)) is "sdos" or "sros" or "observables" || name is "marking-definition" or "extension-definition" or "language-content")
            {
                byType[name] = schema;
            }
        }

        return (byType, bundle ?? throw new InvalidOperationException("bundle.json not found"));
    }
}
