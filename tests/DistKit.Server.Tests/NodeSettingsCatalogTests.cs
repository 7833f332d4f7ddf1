using Microsoft.Extensions.DependencyInjection;
using DistKit.Server.Composition;
using DistKit.Server.Settings;
using DistKit.Testing;

namespace DistKit.Server.Tests;

/// <summary>The node's settings are declared by the modules and engines; these hold the declarations to their promises.</summary>
public sealed class NodeSettingsCatalogTests
{
    private static readonly NodeSettingsCatalog Catalog = NodeSettingsCatalog.Default;

    [Fact]
    public void EveryModule_DeclaresOnlyKeysOfItsOwnSection()
    {
        foreach (var module in NodeModules.All)
        {
            Assert.All(module.Settings, s => Assert.StartsWith($"{module.Capability}:", s.Key, StringComparison.OrdinalIgnoreCase));
        }

        Assert.All(NodeEngines.All.SelectMany(e => e.Settings), s => Assert.StartsWith("Engines:", s.Key, StringComparison.Ordinal));
    }

    [Fact]
    public void EveryModule_HasItsEngineChoice_InFileAndEnvironment()
    {
        foreach (var module in NodeModules.All)
        {
            var choice = Catalog.Find($"capabilities:{module.Capability}");
            Assert.NotNull(choice);
            Assert.Equal($"DISTKIT_{module.Capability.ToUpperInvariant()}_ENGINE", choice.Environment);
        }
    }

    [Fact]
    public void EverySetting_HasItsOwnVariable_AndIsDocumented()
    {
        var variables = Catalog.All.Select(s => s.Environment).ToList();
        Assert.Equal(variables.Count, variables.Distinct(StringComparer.Ordinal).Count());

        var page = File.ReadAllText(Path.Combine(Repository.Root, "docs", "node.md"));
        Assert.All(Catalog.All, s => Assert.Contains($"`{s.Environment}`", page, StringComparison.Ordinal));
    }

    [Fact]
    public void EveryEngineTheCatalogServes_IsSettable()
    {
        var services = new ServiceCollection();
        var distKit = NodeComposition.AddDistKit(services, NodeSettings.Default);
        foreach (var module in NodeModules.All)
        {
            module.AddServices(distKit);
        }

        foreach (var engine in distKit.Engines.Engines.Where(e => e != "embedded"))
        {
            Assert.NotNull(Catalog.Find($"Engines:{engine}"));
        }
    }

    [Fact]
    public void EnvironmentHint_NamesTheVariablesOfTheKeysAFailureMentions()
    {
        Assert.Equal(" (env DISTKIT_REDIS, DISTKIT_LOCKS_ENGINE)", Catalog.EnvironmentHint("Capabilities:Locks: Engines:Redis is not set"));
        Assert.Equal(" (env DISTKIT_REDLOCK)", Catalog.EnvironmentHint("Engines:Redlock lists no instances"));
        Assert.Equal("", Catalog.EnvironmentHint("nothing here"));
    }
}
