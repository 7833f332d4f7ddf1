using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace DistKit.Server.Tests.SearchApi;

/// <summary>
/// Runs the steps of one scenario against a node's search API, as Elasticsearch's YAML test runner
/// does: <c>do</c> calls an API (with <c>catch</c> for an expected error), then <c>match</c>,
/// <c>length</c>, <c>is_true</c>/<c>is_false</c>, <c>gt</c>/<c>gte</c>/<c>lt</c>/<c>lte</c> check the
/// last response, and <c>set</c> stashes a value that later steps use as <c>$name</c>.
/// </summary>
internal sealed partial class RestRunner(HttpClient http)
{
    private readonly Dictionary<string, JsonNode?> _stash = new(StringComparer.Ordinal);
    private JsonNode? _body;
    private string _raw = "";
    private string _last = "(no request yet)";

    public async Task RunAsync(IReadOnlyList<JsonObject> steps, string where, CancellationToken cancellationToken)
    {
        for (var i = 0; i < steps.Count; i++)
        {
            var (kind, argument) = steps[i].Single();
            var at = $"{where}, step {i + 1} ({kind})";
            try
            {
                switch (kind)
                {
                    case "do":
                        await DoAsync(argument!.AsObject(), cancellationToken);
                        break;
                    case "match":
                        foreach (var (path, expected) in argument!.AsObject())
                        {
                            var actual = Resolve(path);
                            if (!Matches(Substitute(expected), actual))
                            {
                                Fail($"[{path}] is {Show(actual)}, expected {Show(expected)}");
                            }
                        }

                        break;
                    case "set":
                        foreach (var (path, name) in argument!.AsObject())
                        {
                            _stash[name!.GetValue<string>()] = Resolve(path)?.DeepClone();
                        }

                        break;
                    case "length":
                        foreach (var (path, expected) in argument!.AsObject())
                        {
                            var actual = Resolve(path);
                            var count = actual switch { JsonArray a => a.Count, JsonObject o => o.Count, _ => -1 };
                            if (count != Number(Substitute(expected)))
                            {
                                Fail($"[{path}] has length {count}, expected {expected}: {Show(actual)}");
                            }
                        }

                        break;
                    case "is_true" or "is_false":
                        var value = Resolve(argument!.GetValue<string>());
                        var truthy = value switch
                        {
                            null => false,
                            JsonValue v when v.GetValueKind() == JsonValueKind.False => false,
                            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>().Length > 0,
                            JsonValue v when v.GetValueKind() == JsonValueKind.Number => AsDouble(v) != 0,
                            _ => true,
                        };
                        if (truthy != (kind == "is_true"))
                        {
                            Fail($"[{argument}] is {Show(value)}, expected it to be {(kind == "is_true" ? "set and true" : "missing or false")}");
                        }

                        break;
                    case "gt" or "gte" or "lt" or "lte":
                        foreach (var (path, expected) in argument!.AsObject())
                        {
                            var actual = Number(Resolve(path));
                            var bound = Number(Substitute(expected));
                            var holds = kind switch { "gt" => actual > bound, "gte" => actual >= bound, "lt" => actual < bound, _ => actual <= bound };
                            if (!holds)
                            {
                                Fail($"[{path}] is {actual}, expected {kind} {bound}");
                            }
                        }

                        break;
                    default:
                        throw new InvalidOperationException($"unknown step [{kind}]");
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException($"{at}: {e.Message}\n  last request: {_last}\n  last response: {Shorten(_raw)}");
            }
        }
    }

    private async Task DoAsync(JsonObject step, CancellationToken cancellationToken)
    {
        string? expectedError = null;
        JsonObject? headers = null;
        string? api = null;
        JsonObject arguments = [];
        foreach (var (key, value) in step)
        {
            switch (key)
            {
                case "catch":
                    expectedError = value!.GetValue<string>();
                    break;
                case "headers":
                    headers = value!.AsObject();
                    break;
                default:
                    api = key;
                    arguments = (Substitute(value) as JsonObject) ?? [];
                    break;
            }
        }

        using var request = RestApi.Build(api ?? throw new InvalidOperationException("a do step names no API"), arguments);
        foreach (var (name, value) in headers ?? [])
        {
            if (!request.Headers.TryAddWithoutValidation(name, value!.GetValue<string>()))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, value!.GetValue<string>());
            }
        }

        _last = $"{request.Method} {request.RequestUri}";
        using var response = await http.SendAsync(request, cancellationToken);
        _raw = await response.Content.ReadAsStringAsync(cancellationToken);
        var status = (int)response.StatusCode;
        if (RestApi.IsExists(api))
        {
            _body = JsonValue.Create(status == 200);
            if (status is not (200 or 404))
            {
                Fail($"{api} answered {status}");
            }

            return;
        }

        if (!response.Headers.TryGetValues("X-Elastic-Product", out var product) || !product.Contains("Elasticsearch"))
        {
            Fail("the response has no X-Elastic-Product: Elasticsearch header");
        }

        try
        {
            _body = _raw.Length == 0 ? null : JsonNode.Parse(_raw);
        }
        catch (JsonException)
        {
            _body = JsonValue.Create(_raw); // _cat's text tables
        }

        if (expectedError is null)
        {
            if (status >= 400)
            {
                Fail($"{api} failed with {status}");
            }

            return;
        }

        var caught = expectedError switch
        {
            "missing" => status == 404,
            "conflict" => status == 409,
            "bad_request" => status == 400,
            "unauthorized" => status == 401,
            "forbidden" => status == 403,
            "unavailable" => status == 503,
            "request" => status >= 400 && status is not (404 or 408 or 409),
            _ when IsRegex(expectedError) => status >= 400 && Regex(expectedError).IsMatch(_raw),
            _ => throw new InvalidOperationException($"unknown catch [{expectedError}]"),
        };
        if (!caught)
        {
            Fail($"{api} answered {status}, expected catch [{expectedError}]");
        }
    }

    /// <summary>The value at a dotted path of the last response (<c>hits.hits.0._id</c>; <c>\.</c> for a dot in a key; <c>$body</c> or empty for all of it).</summary>
    private JsonNode? Resolve(string path)
    {
        if (path is "" or "$body")
        {
            return _body;
        }

        var current = _body;
        foreach (var raw in SplitPath(path))
        {
            var segment = raw.StartsWith('$') && _stash.TryGetValue(raw[1..], out var stashed) ? Show(stashed).Trim('"') : raw;
            current = current switch
            {
                JsonObject o => o[segment],
                JsonArray a when int.TryParse(segment, out var i) && i >= 0 && i < a.Count => a[i],
                _ => null,
            };
            if (current is null)
            {
                return null;
            }
        }

        return current;
    }

    private static IEnumerable<string> SplitPath(string path)
    {
        var segment = new System.Text.StringBuilder();
        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] == '\\' && i + 1 < path.Length && path[i + 1] == '.')
            {
                segment.Append('.');
                i++;
            }
            else if (path[i] == '.')
            {
                yield return segment.ToString();
                segment.Clear();
            }
            else
            {
                segment.Append(path[i]);
            }
        }

        yield return segment.ToString();
    }

    // "$name" is the stashed value itself; "${name}" inside a string is its text.
    private JsonNode? Substitute(JsonNode? value) => value switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Substitute(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Substitute)]),
        JsonValue v when v.TryGetValue<string>(out var s) && s.StartsWith('$') && _stash.TryGetValue(s[1..], out var stashed) => stashed?.DeepClone(),
        JsonValue v when v.TryGetValue<string>(out var s) && s.Contains("${", StringComparison.Ordinal) =>
            JsonValue.Create(Interpolation().Replace(s, m => _stash.TryGetValue(m.Groups[1].Value, out var x) ? Show(x).Trim('"') : m.Value)),
        _ => value?.DeepClone(),
    };

    private static bool Matches(JsonNode? expected, JsonNode? actual)
    {
        switch (expected)
        {
            case null:
                return actual is null;
            case JsonValue e when e.TryGetValue<string>(out var text) && IsRegex(text):
                return actual is not null && Regex(text).IsMatch(actual is JsonValue av && av.TryGetValue<string>(out var s) ? s : actual.ToJsonString());
            case JsonValue e when e.GetValueKind() == JsonValueKind.Number:
                return actual is JsonValue a && a.GetValueKind() == JsonValueKind.Number && Math.Abs(AsDouble(a) - AsDouble(e)) <= 1e-6 * Math.Max(1, Math.Abs(AsDouble(e)));
            case JsonValue e:
                return actual is JsonValue a2 && JsonNode.DeepEquals(e, a2);
            case JsonObject e:
                return actual is JsonObject a3 && a3.Count == e.Count && e.All(p => a3.ContainsKey(p.Key) && Matches(p.Value, a3[p.Key]));
            case JsonArray e:
                return actual is JsonArray a4 && a4.Count == e.Count && e.Select((x, i) => Matches(x, a4[i])).All(m => m);
            default:
                return false;
        }
    }

    private static bool IsRegex(string text) => text.Trim().Length > 1 && text.Trim().StartsWith('/') && text.Trim().EndsWith('/');

    private static Regex Regex(string text) =>
        new(text.Trim()[1..^1], RegexOptions.IgnorePatternWhitespace | RegexOptions.Singleline, TimeSpan.FromSeconds(1));

    private static double Number(JsonNode? value) => value switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => AsDouble(v),
        JsonValue v when v.TryGetValue<string>(out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => throw new InvalidOperationException($"{Show(value)} is not a number"),
    };

    // A value read from YAML holds a long, one parsed from a response a JsonElement: read both through their text.
    private static double AsDouble(JsonValue value) => double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture);

    private static string Show(JsonNode? value) => value?.ToJsonString() ?? "null";

    private static string Shorten(string text) => text.Length <= 2000 ? text : text[..2000] + "…";

    private static void Fail(string message) => throw new InvalidOperationException(message);

    [GeneratedRegex(@"\$\{(\w+)\}")]
    private static partial Regex Interpolation();
}
