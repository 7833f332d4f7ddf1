using System.Text;
using System.Text.Json.Nodes;

namespace DistKit.Server.Tests.SearchApi;

/// <summary>
/// The APIs the scenarios call, by their names in Elasticsearch's REST specification
/// (<c>indices.create</c>, <c>search</c>, …): method, the paths each may take (the one whose parts
/// are all given is used, most parts first), and the rest of the arguments as URL parameters.
/// </summary>
internal static class RestApi
{
    private static readonly Dictionary<string, (string Method, string[] Paths)> Apis = new(StringComparer.Ordinal)
    {
        ["info"] = ("GET", ["/"]),
        ["ping"] = ("HEAD", ["/"]),
        ["cluster.health"] = ("GET", ["/_cluster/health/{index}", "/_cluster/health"]),
        ["cat.indices"] = ("GET", ["/_cat/indices/{index}", "/_cat/indices"]),
        ["indices.create"] = ("PUT", ["/{index}"]),
        ["indices.delete"] = ("DELETE", ["/{index}"]),
        ["indices.exists"] = ("HEAD", ["/{index}"]),
        ["indices.get"] = ("GET", ["/{index}"]),
        ["indices.get_mapping"] = ("GET", ["/{index}/_mapping", "/_mapping"]),
        ["indices.put_mapping"] = ("PUT", ["/{index}/_mapping"]),
        ["indices.get_settings"] = ("GET", ["/{index}/_settings", "/_settings"]),
        ["indices.refresh"] = ("POST", ["/{index}/_refresh", "/_refresh"]),
        ["indices.flush"] = ("POST", ["/{index}/_flush", "/_flush"]),
        ["index"] = ("PUT", ["/{index}/_doc/{id}", "/{index}/_doc"]),
        ["create"] = ("PUT", ["/{index}/_create/{id}"]),
        ["get"] = ("GET", ["/{index}/_doc/{id}"]),
        ["get_source"] = ("GET", ["/{index}/_source/{id}"]),
        ["exists"] = ("HEAD", ["/{index}/_doc/{id}"]),
        ["delete"] = ("DELETE", ["/{index}/_doc/{id}"]),
        ["update"] = ("POST", ["/{index}/_update/{id}"]),
        ["mget"] = ("POST", ["/{index}/_mget", "/_mget"]),
        ["bulk"] = ("POST", ["/{index}/_bulk", "/_bulk"]),
        ["search"] = ("POST", ["/{index}/_search", "/_search"]),
        ["count"] = ("POST", ["/{index}/_count", "/_count"]),
    };

    /// <summary>True for the APIs whose answer is whether something exists: a 404 is "false", not an error.</summary>
    public static bool IsExists(string api) => api is "indices.exists" or "exists" or "ping";

    public static HttpRequestMessage Build(string api, JsonObject arguments)
    {
        if (!Apis.TryGetValue(api, out var spec))
        {
            throw new InvalidOperationException($"the scenario calls [{api}], which the runner does not know");
        }

        var parts = arguments.Where(a => a.Key != "body").ToDictionary(a => a.Key, a => Text(a.Value), StringComparer.Ordinal);
        // "index" with no id posts to /{index}/_doc, as the client does.
        var method = api == "index" && !parts.ContainsKey("id") ? "POST" : spec.Method;
        var path = spec.Paths.First(p => Placeholders(p).All(parts.ContainsKey));
        foreach (var placeholder in Placeholders(path))
        {
            path = path.Replace("{" + placeholder + "}", Uri.EscapeDataString(parts[placeholder]), StringComparison.Ordinal);
            parts.Remove(placeholder);
        }

        if (parts.Count > 0)
        {
            path += "?" + string.Join('&', parts.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
        }

        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (arguments["body"] is { } body)
        {
            var ndjson = api == "bulk";
            var text = body switch
            {
                JsonArray lines when ndjson => string.Concat(lines.Select(l => (l is JsonValue v && v.TryGetValue<string>(out var s) ? s : l!.ToJsonString()) + "\n")),
                JsonValue value when value.TryGetValue<string>(out var raw) => raw,
                _ => body.ToJsonString(),
            };
            request.Content = new StringContent(text, Encoding.UTF8, ndjson ? "application/x-ndjson" : "application/json");
        }

        return request;
    }

    private static IEnumerable<string> Placeholders(string path)
    {
        for (var at = path.IndexOf('{', StringComparison.Ordinal); at >= 0; at = path.IndexOf('{', at + 1))
        {
            yield return path[(at + 1)..path.IndexOf('}', at)];
        }
    }

    private static string Text(JsonNode? value) => value switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonArray list => string.Join(',', list.Select(Text)),
        _ => value.ToJsonString(),
    };
}
