using DistKit.Server.Composition;

namespace DistKit.Server.Settings;

/// <summary>
/// Every setting of the DistKit section the node accepts, gathered from the engines
/// (<see cref="NodeEngines"/>) and the capability modules (<see cref="NodeModules"/>), so a new
/// setting is declared once, next to the code that reads it. The settings file, the environment and
/// the error messages all read this one list.
/// </summary>
internal sealed class NodeSettingsCatalog
{
    private readonly Dictionary<string, NodeSetting> _byKey = new(StringComparer.OrdinalIgnoreCase);

    public NodeSettingsCatalog(IEnumerable<NodeEngine> engines, IEnumerable<INodeModule> modules)
    {
        var moduleList = modules.ToList();
        Capabilities = [.. moduleList.Select(m => m.Capability)];
        var settings = engines.SelectMany(e => e.Settings)
            .Concat(moduleList.Select(m => new NodeSetting($"Capabilities:{Pascal(m.Capability)}", $"DISTKIT_{m.Capability.ToUpperInvariant()}_ENGINE")))
            .Concat(moduleList.SelectMany(m => m.Settings));
        foreach (var setting in settings)
        {
            if (!_byKey.TryAdd(setting.Key, setting))
            {
                throw new InvalidOperationException($"setting '{setting.Key}' is declared twice");
            }
        }

        Sections = [.. _byKey.Keys.Select(k => k.Split(':')[0]).Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>The catalog of this build.</summary>
    public static NodeSettingsCatalog Default { get; } = new(NodeEngines.All, NodeModules.All);

    /// <summary>The capabilities this build serves.</summary>
    public IReadOnlyList<string> Capabilities { get; }

    /// <summary>The sections of the DistKit configuration (<c>Engines</c>, <c>Capabilities</c>, <c>Ids</c>, …).</summary>
    public IReadOnlyList<string> Sections { get; }

    /// <summary>Every setting, in declaration order.</summary>
    public IEnumerable<NodeSetting> All => _byKey.Values;

    /// <summary>The setting <paramref name="key"/> names, in any case, or null when the node has none such.</summary>
    public NodeSetting? Find(string key) => _byKey.GetValueOrDefault(key);

    /// <summary>The keys of <paramref name="section"/>, for a message listing what could have been meant.</summary>
    public IEnumerable<string> KeysIn(string section) =>
        _byKey.Keys.Where(k => k.StartsWith(section + ":", StringComparison.OrdinalIgnoreCase)).Select(k => k[(section.Length + 1)..]);

    /// <summary>
    /// The environment variables of the settings a validation failure mentions (<c>Capabilities:Locks:
    /// … Engines:Redis is not set</c>), as a hint for a node or CLI user, who sets variables rather
    /// than configuration keys; empty when it mentions none.
    /// </summary>
    public string EnvironmentHint(string failure)
    {
        var variables = _byKey.Values
            .Where(s => Mentions(failure, s.Key))
            .Select(s => s.Environment)
            .ToList();
        return variables.Count == 0 ? "" : $" (env {string.Join(", ", variables)})";
    }

    private static bool Mentions(string text, string key)
    {
        for (var at = text.IndexOf(key, StringComparison.OrdinalIgnoreCase); at >= 0; at = text.IndexOf(key, at + 1, StringComparison.OrdinalIgnoreCase))
        {
            var end = at + key.Length;
            if ((at == 0 || !char.IsLetterOrDigit(text[at - 1])) && (end == text.Length || !char.IsLetterOrDigit(text[end])))
            {
                return true;
            }
        }

        return false;
    }

    private static string Pascal(string name) => char.ToUpperInvariant(name[0]) + name[1..];
}
