using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace DistKit.Configuration.Values;

/// <summary>
/// A JSON Schema (draft 2020-12 unless the schema's <c>$schema</c> names another) for a key's value
/// or for a namespace taken as one object of its keys. Built once, checked as often as needed.
/// </summary>
public sealed class ConfigSchema
{
    private static readonly EvaluationOptions Checking = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };
    private readonly JsonSchema _schema;

    private ConfigSchema(string text, JsonSchema schema)
    {
        Text = text;
        _schema = schema;
    }

    /// <summary>The schema's text as written.</summary>
    public string Text { get; }

    /// <summary>Builds the schema in <paramref name="text"/>.</summary>
    /// <exception cref="ArgumentException">It is not JSON or not a schema; the message says why.</exception>
    public static ConfigSchema Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            // A registry per schema: two schemas with one $id (two keys' schemas copied from one
            // file) must not collide in the library's global registry.
            var options = new BuildOptions { SchemaRegistry = new SchemaRegistry(), Dialect = Dialect.Draft202012 };
            return new ConfigSchema(text, JsonSchema.FromText(text, options));
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"the schema is not valid JSON: {e.Message.Split('\n')[0]}", nameof(text), e);
        }
        catch (Exception e) when (e is JsonSchemaException or InvalidOperationException or ArgumentException or NotSupportedException)
        {
            throw new ArgumentException($"not a JSON Schema: {e.Message.Split('\n')[0]}", nameof(text), e);
        }
    }

    /// <summary>Checks <paramref name="instance"/>; throws naming the first failing path (the deepest one reported).</summary>
    /// <exception cref="ConfigValidationException">It breaks the schema.</exception>
    public void Check(string? key, JsonNode? instance)
    {
        using var document = JsonDocument.Parse(instance?.ToJsonString() ?? "null");
        var results = _schema.Evaluate(document.RootElement, Checking);
        if (results.IsValid)
        {
            return;
        }

        var failure = (results.Details ?? [])
            .Append(results)
            .Where(r => !r.IsValid && r.Errors is { Count: > 0 })
            .OrderByDescending(r => r.InstanceLocation.ToString().Length)
            .FirstOrDefault();
        var path = failure?.InstanceLocation.ToString() ?? "";
        var problem = failure?.Errors?.Values.First() ?? "does not match the schema";
        throw new ConfigValidationException(key, path, problem);
    }
}
