namespace DistKit.Configuration;

/// <summary>The rules for namespace and key names, checked wherever a name enters (API, CLI, provider).</summary>
public static class ConfigNames
{
    /// <summary>The most segments a namespace may have.</summary>
    public const int MaxNamespaceSegments = 8;

    /// <summary>The longest a key may be.</summary>
    public const int MaxKeyLength = 256;

    /// <summary>
    /// Why <paramref name="name"/> is not a namespace (one to eight <c>/</c>-separated segments of
    /// letters, digits, <c>.</c>, <c>_</c> or <c>-</c>, each at most 64 long and not starting with <c>.</c>, which DistKit keeps for its own), or null when it is.
    /// </summary>
    public static string? NamespaceProblem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "the namespace is empty; write it as app/env, such as shop/prod";
        }

        var segments = name.Split('/');
        if (segments.Length > MaxNamespaceSegments)
        {
            return $"namespace '{name}' has {segments.Length} segments; at most {MaxNamespaceSegments}";
        }

        foreach (var segment in segments)
        {
            if (segment.Length is 0 or > 64 || segment[0] == '.' || !segment.All(IsSegmentChar))
            {
                return $"namespace '{name}' is not segments of letters, digits, '.', '_' or '-' (1 to 64 each, not starting with '.') separated by '/'";
            }
        }

        return null;
    }

    /// <summary>
    /// Why <paramref name="key"/> is not a key (1 to 256 letters, digits, <c>. _ - : /</c>, not
    /// starting or ending with <c>:</c>), or null when it is.
    /// </summary>
    public static string? KeyProblem(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return "the key is empty";
        }

        if (key.Length > MaxKeyLength || !key.All(c => IsSegmentChar(c) || c is ':' or '/') || key[0] == ':' || key[^1] == ':' || key.Contains("::", StringComparison.Ordinal))
        {
            return $"key '{Shorten(key)}' is not 1 to {MaxKeyLength} letters, digits, '.', '_', '-', '/' or single ':' between parts";
        }

        return null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="name"/> is a namespace.</summary>
    public static string CheckNamespace(string? name) =>
        NamespaceProblem(name) is { } problem ? throw new ArgumentException(problem, nameof(name)) : name!;

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="key"/> is a key.</summary>
    public static string CheckKey(string? key) =>
        KeyProblem(key) is { } problem ? throw new ArgumentException(problem, nameof(key)) : key!;

    private static bool IsSegmentChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
