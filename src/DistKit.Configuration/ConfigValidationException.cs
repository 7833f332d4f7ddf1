using DistKit.Core;

namespace DistKit.Configuration;

/// <summary>A value does not parse as its type or breaks a schema; nothing was stored.</summary>
public sealed class ConfigValidationException : DistKitException
{
    /// <summary>Creates the exception for <paramref name="key"/> (null: the namespace as a whole) at <paramref name="path"/>.</summary>
    public ConfigValidationException(string? key, string path, string problem)
        : base($"{(key is null ? "the namespace" : $"key '{key}'")}{(path is "" or "/" ? "" : " at " + path)}: {problem}")
    {
        Key = key;
        Path = path;
        Problem = problem;
    }

    /// <summary>The key whose value failed, or null for the namespace schema.</summary>
    public string? Key { get; }

    /// <summary>The JSON Pointer of the failing part (<c>/limits/perCity</c>), or empty for the whole value.</summary>
    public string Path { get; }

    /// <summary>What is wrong there.</summary>
    public string Problem { get; }
}
