using DistKit.Core;

namespace DistKit.Configuration;

/// <summary>A compare-and-set write found the key (or namespace) changed since the version it named; nothing was stored.</summary>
public sealed class ConfigConflictException : DistKitException
{
    /// <summary>Creates the exception for <paramref name="key"/> (null: the namespace).</summary>
    public ConfigConflictException(string ns, string? key, long? expected, long current)
        : base(key is null
            ? $"namespace '{ns}' changed after revision {expected} (it is at revision {current}); read it again"
            : $"key '{key}' in '{ns}' is at version {current}, not {expected}")
    {
        Namespace = ns;
        Key = key;
        Expected = expected;
        Current = current;
    }

    /// <summary>The namespace.</summary>
    public string Namespace { get; }

    /// <summary>The key, or null when the namespace moved past <see cref="Expected"/> revision.</summary>
    public string? Key { get; }

    /// <summary>The version (or revision) the write expected.</summary>
    public long? Expected { get; }

    /// <summary>The version the key is at (0: it does not exist), or the namespace's revision.</summary>
    public long Current { get; }
}
